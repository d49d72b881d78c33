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
 * A batch's lines leave in one write ({@link LogOutput#batch}). Nothing secret: ids, names, numbers
 * and codes only.
 */
public final class CallLog {

    private static final Logger CALLS = LoggerFactory.getLogger("dev.aegis.calls");

    private CallLog() {}

    /** Writes the rows with {@code store}, then logs a line for each. */
    public static Consumer<List<UsageRow>> loggedAfter(Consumer<List<UsageRow>> store) {
        return rows -> {
            store.accept(rows);
            if (CALLS.isInfoEnabled()) {
                LogOutput.batch(() -> {
                    GiveWay giveWay = new GiveWay();
                    for (UsageRow row : rows) {
                        log(row);
                        giveWay.point();
                    }
                });
            }
        };
    }

    private static void log(UsageRow row) {
        if (CALLS.isInfoEnabled()) {
            CALLS.info(line(row));
        }
    }

    /**
     * The line's text, built directly: the same text as the parameterised message it replaces
     * (fourteen arguments boxed into an array and the pattern scanned for each call).
     */
    static String line(UsageRow row) {
        StringBuilder s = new StringBuilder(256).append("call request=");
        value(s, row.requestId()).append(" key=");
        value(s, row.keyId()).append(" tenant=");
        value(s, row.tenant()).append(" run=");
        value(s, row.runId()).append(" route=");
        value(s, row.route()).append(" model=");
        value(s, row.model()).append(" provider=");
        value(s, row.provider()).append(" status=").append(row.status())
                .append(" latency_ms=").append(Math.round(row.latencyMs()))
                .append(" tokens_in=").append(row.inputTokens())
                .append(" tokens_out=").append(row.outputTokens())
                .append(" cost_usd=").append(Money.toPlainUsd(row.costNanos()));
        if (row.errorCode() != null) {
            value(s.append(" error="), row.errorCode());
        }
        if (!row.secrets().isEmpty()) {
            s.append(" secrets=").append(row.secrets().toJson());
        }
        return s.toString();
    }

    /**
     * A field's value as is when it is one word, else quoted (logfmt: {@code "…"} with {@code \"} and {@code \\}): a
     * caller's run id or model name {@code r status=200 key=…} otherwise wrote fields of its own into the line.
     */
    static StringBuilder value(StringBuilder s, String v) {
        if (v == null) {
            return s.append("null");
        }
        boolean plain = !v.isEmpty();
        for (int i = 0; i < v.length() && plain; i++) {
            char c = v.charAt(i);
            plain = c > ' ' && c != '=' && c != '"' && c != '\\';
        }
        if (plain) {
            return s.append(v);
        }
        s.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"' || c == '\\') {
                s.append('\\');
            }
            s.append(c);
        }
        return s.append('"');
    }
}
