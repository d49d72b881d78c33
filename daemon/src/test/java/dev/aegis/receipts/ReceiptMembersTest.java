package dev.aegis.receipts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.store.Money;
import dev.aegis.store.SecretFindings;
import dev.aegis.store.UsageRow;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A receipt written straight from its call ({@link ReceiptMembers}) is byte for byte the canonical
 * JSON of the receipt's members as a map, for any call: the map below is the receipt's definition
 * (SPEC: what a receipt holds), written out member by member, and {@link CanonicalJson} the
 * definition of canonical. Strings take quotes, backslashes, control characters, non-ASCII and lone
 * surrogates; any member may be null where the row allows it.
 */
class ReceiptMembersTest {

    /** The receipt as a map: every member and its value, as the SPEC lists them. */
    private static TreeMap<String, Object> definition(ReceiptMembers.Receipt r) {
        UsageRow row = r.row();
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("id", row.requestId());
        m.put("ts", Instant.ofEpochMilli(row.tsMillis()).toString());
        m.put("key_id", row.keyId());
        m.put("tenant", row.tenant());
        m.put("run", row.runId());
        m.put("route", row.route());
        m.put("model_requested", row.modelRequested());
        m.put("model", row.model());
        m.put("provider", row.provider());
        m.put("status", (long) row.status());
        m.put("error", row.errorCode());
        m.put("usage", Map.of("input", row.inputTokens(), "cached_input", row.cachedInputTokens(), "cache_write",
                row.cacheWriteTokens(), "output", row.outputTokens(), "reasoning", row.reasoningTokens()));
        m.put("cost_usd", Money.toPlainUsd(row.costNanos()));
        m.put("unpriced", row.unpriced());
        m.put("price_version", row.priceVersion());
        m.put("streamed", row.streamed());
        m.put("complete", row.complete());
        m.put("secrets", row.secrets().counts());
        if (row.toolCall() != null) {
            TreeMap<String, Object> tool = new TreeMap<>();
            tool.put("server", row.toolCall().server());
            tool.put("tool", row.toolCall().tool());
            tool.put("request_bytes", row.toolCall().requestBytes());
            tool.put("response_bytes", row.toolCall().responseBytes());
            m.put("mcp", tool);
        }
        byte[] request = r.in().requestBody() == null ? new byte[0] : r.in().requestBody();
        m.put("request_sha256", Receipts.sha256Hex(request));
        m.put("response_sha256", r.in().responseSha256() != null ? r.in().responseSha256()
                : Receipts.sha256Hex(r.in().responseBody() == null ? new byte[0] : r.in().responseBody()));
        m.put("seq", r.seq());
        m.put("prev", r.prev());
        m.put("key", r.key());
        m.put("instance", r.instance());
        return m;
    }

    /** A stand-in signature that depends on every byte signed. */
    private static final Function<byte[], String> SIGN = bytes -> Receipts.sha256Hex(bytes);

    @Property(tries = 400)
    void aReceiptIsTheCanonicalJsonOfItsMembers(@ForAll("receipts") ReceiptMembers.Receipt r) {
        byte[] line = ReceiptMembers.line(r, SIGN);
        byte[] expected = CanonicalJson.withMember(definition(r), "sig", SIGN);
        assertThat(new String(line, StandardCharsets.UTF_8)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(line).isEqualTo(expected);
    }

    @Provide
    Arbitrary<ReceiptMembers.Receipt> receipts() {
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().withChars("abc-_/.:\"\\\n\t\u0000\u001f\u007féĀ✓\ud83d\ude00").ofMaxLength(12),
                Arbitraries.strings().all().ofMaxLength(6),
                Arbitraries.just("\ud800"), Arbitraries.just("gpt-4o-mini"));
        Arbitrary<String> maybe = Arbitraries.oneOf(text, Arbitraries.just(null));
        Arbitrary<Long> count = Arbitraries.longs().between(0, Long.MAX_VALUE);
        Arbitrary<SecretFindings> secrets = Arbitraries.maps(Arbitraries.of("aws_access_key_id", "custom", "github_token",
                "openai_api_key"), Arbitraries.integers().between(1, 9)).ofMaxSize(3).map(SecretFindings::of);
        Arbitrary<UsageRow.ToolCall> tool = Arbitraries.oneOf(Arbitraries.just(null),
                Combinators.combine(text, maybe, count, count).as(UsageRow.ToolCall::new));
        Arbitrary<UsageRow> row = Combinators.combine(
                Combinators.combine(Arbitraries.longs().between(0, 4_102_444_800_000L), text, maybe, maybe, maybe, text,
                        maybe, maybe).as((ts, id, keyId, tenant, run, route, requested, model) ->
                        new Object[] {ts, id, keyId, tenant, run, route, requested, model}),
                Combinators.combine(maybe, Arbitraries.integers().between(100, 599), maybe, count, count, count, count,
                        count).as((provider, status, error, in, cached, write, out, reasoning) ->
                        new Object[] {provider, status, error, in, cached, write, out, reasoning}),
                Combinators.combine(Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.of(true, false), maybe,
                        Arbitraries.of(true, false), Arbitraries.of(true, false), secrets, tool).as(
                        (cost, unpriced, price, streamed, complete, found, mcp) ->
                                new Object[] {cost, unpriced, price, streamed, complete, found, mcp}))
                .as((a, b, c) -> new UsageRow((Long) a[0], (String) a[1], (String) a[2], (String) a[3], (String) a[4],
                        (String) a[5], (String) a[6], (String) a[7], (String) b[0], (Integer) b[1], (String) b[2],
                        (Long) b[3], (Long) b[4], (Long) b[5], (Long) b[6], (Long) b[7], (Long) c[0], (Boolean) c[1],
                        (String) c[2], 12.5, 3.0, (Boolean) c[3], (Boolean) c[4], (SecretFindings) c[5], null,
                        (UsageRow.ToolCall) c[6]));
        Arbitrary<byte[]> body = Arbitraries.oneOf(Arbitraries.just(null),
                text.map(s -> s.getBytes(StandardCharsets.UTF_8)));
        Arbitrary<ReceiptInput> input = Combinators.combine(row, body, body, Arbitraries.oneOf(Arbitraries.just(null),
                Arbitraries.just("ab".repeat(32)))).as(ReceiptInput::new);
        return Combinators.combine(input, Arbitraries.longs().between(1, Long.MAX_VALUE), text, maybe, maybe)
                .as(ReceiptMembers.Receipt::new);
    }
}
