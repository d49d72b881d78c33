package dev.aegis.records;

import dev.aegis.background.GiveWay;
import dev.aegis.store.Money;
import dev.aegis.store.UsageRow;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon log's line per call, written by the usage writer once the call's row is stored: off
 * the call's thread (formatting and the log's lock cost a call ≈ 3 % of the gateway's CPU at 64
 * connections, and its virtual threads queued on that lock), and only for what was recorded.
 * Nothing secret: ids, names, numbers and codes only.
 */
public final class CallLog {

    private static final Logger CALLS = LoggerFactory.getLogger("dev.aegis.calls");

    private CallLog() {}

    /** Writes the rows with {@code store}, then logs a line for each. */
    public static Consumer<List<UsageRow>> loggedAfter(Consumer<List<UsageRow>> store) {
        return rows -> {
            store.accept(rows);
            if (CALLS.isInfoEnabled()) {
                GiveWay giveWay = new GiveWay();
                for (UsageRow row : rows) {
                    log(row);
                    giveWay.point();
                }
            }
        };
    }

    private static void log(UsageRow row) {
        CALLS.info("call request={} key={} tenant={} run={} route={} model={} provider={} status={} latency_ms={} "
                        + "tokens_in={} tokens_out={} cost_usd={}{}{}", row.requestId(), row.keyId(), row.tenant(), row.runId(),
                row.route(), row.model(), row.provider(), row.status(), Math.round(row.latencyMs()), row.inputTokens(),
                row.outputTokens(), Money.toUsd(row.costNanos()).stripTrailingZeros().toPlainString(),
                row.errorCode() == null ? "" : " error=" + row.errorCode(),
                row.secrets().isEmpty() ? "" : " secrets=" + row.secrets().toJson());
    }
}
