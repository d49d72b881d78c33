package dev.aegis.records;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.store.AgentSession;
import dev.aegis.store.Money;
import dev.aegis.store.SecretFindings;
import dev.aegis.store.UsageRow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.MessageFormatter;

/** The per-call log line, built directly, reads exactly as the parameterised message it replaced. */
class CallLogTest {

    /** The line as it was written before: SLF4J's formatting of the same pattern and arguments. */
    private static String asBefore(UsageRow row) {
        return MessageFormatter.arrayFormat("call request={} key={} tenant={} run={} route={} model={} provider={} status={} latency_ms={} "
                        + "tokens_in={} tokens_out={} cost_usd={}{}{}", new Object[] {row.requestId(), row.keyId(), row.tenant(),
                        row.runId(), row.route(), row.model(), row.provider(), row.status(), Math.round(row.latencyMs()),
                        row.inputTokens(), row.outputTokens(), Money.toUsd(row.costNanos()).stripTrailingZeros().toPlainString(),
                        row.errorCode() == null ? "" : " error=" + row.errorCode(),
                        row.secrets().isEmpty() ? "" : " secrets=" + row.secrets().toJson()}).getMessage();
    }

    @Test
    void theLineReadsAsBefore() {
        UsageRow plain = new UsageRow(1_763_600_000_000L, "req-1", "k1", "default", null, "/v1/responses", "gpt-4o-mini",
                "gpt-4o-mini", "openai", 200, null, 21, 5, 0, 5, 2, 1000, false, "2026-07-24.1", 12.5, 3.0, true, true);
        UsageRow refused = new UsageRow(1_763_600_000_000L, "req-2", null, null, "run-7", "/v1/chat/completions", "o3", null,
                null, 402, "insufficient_credits", 0, 0, 0, 0, 0, 0, false, null, 0.4, null, false, false,
                SecretFindings.of(Map.of("aws_access_key", 2, "github_token", 1)), AgentSession.NONE);
        UsageRow costly = new UsageRow(1_763_600_000_000L, "req-3", "k2", "team-a", "run-1", "/v1/messages", "claude",
                "claude", "anthropic", 200, null, 1_000_000, 0, 0, 40_000, 0, 12_340_000_000L, false, "v", 2.5, null, true, true);
        for (UsageRow row : List.of(plain, refused, costly)) {
            assertThat(CallLog.line(row)).isEqualTo(asBefore(row));
        }
        assertThat(CallLog.line(refused)).isEqualTo("call request=req-2 key=null tenant=null run=run-7 route=/v1/chat/completions "
                + "model=null provider=null status=402 latency_ms=0 tokens_in=0 tokens_out=0 cost_usd=0 error=insufficient_credits "
                + "secrets=" + refused.secrets().toJson());
    }

    @Test
    void aCallersValueWithSpacesOrEqualsIsQuotedSoItCannotWriteFieldsOfItsOwn() {
        UsageRow forged = new UsageRow(1_763_600_000_000L, "req-4", "k1", "default", "r route=/v1/x status=200 key=admin",
                "/v1/chat/completions", "gpt-4o-mini status=200", "gpt-4o-mini status=200", "openai", 403, "secret_detected",
                0, 0, 0, 0, 0, 0, false, null, 1.0, null, false, false);
        assertThat(CallLog.line(forged)).startsWith("call request=req-4 key=k1 tenant=default run=\"r route=/v1/x status=200 "
                + "key=admin\" route=/v1/chat/completions model=\"gpt-4o-mini status=200\" provider=openai status=403 ");
        StringBuilder quoted = CallLog.value(new StringBuilder(), "a \"b\\");
        assertThat(quoted.toString()).isEqualTo("\"a \\\"b\\\\\"");
    }
}
