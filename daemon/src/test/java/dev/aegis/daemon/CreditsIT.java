package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.NewKey;
import dev.aegis.store.CreditBalance;
import dev.aegis.store.Money;
import dev.aegis.store.SqlCreditLedger;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credits: reserve before forwarding, settle to the real cost after, never overdraw by more than one estimate. */
class CreditsIT {

    /** gpt-4o-mini call as the fake bills it: 5775 nano-USD. */
    private static final long CALL_NANOS = 5775;
    private static final String BODY = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":10,\"messages\":[]}";
    /** The reservation per call: (body bytes / 4) x $0.15 + 10 x $0.60 per M; the most one call can overshoot. */
    private static final long ESTIMATE_NANOS = (BODY.length() / 4) * 150L + 10 * 600L;

    @TempDir
    Path temp;

    private static String keyId(String key) {
        return ApiKeys.parse(key).orElseThrow().id();
    }

    private static long usageCostNanos(TestGateway g, String keyId) {
        return g.db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(cost_nanos), 0) FROM usage WHERE key_id = ?")) {
                ps.setString(1, keyId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Test
    void sixtyFourConcurrentCallsNeverOverdrawByMoreThanOneEstimate() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            BigDecimal initial = Money.toUsd(10 * CALL_NANOS);
            String key = g.mintKey(new NewKey("tight", "default", false, List.of(), null, null, null, initial));
            g.fake.headerDelay(Duration.ofMillis(150));
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 64; i++) {
                    calls.add(pool.submit(() -> {
                        go.await();
                        return Http.send(g.post("/v1/chat/completions", BODY).setHeader("Authorization", "Bearer " + key));
                    }));
                }
                go.countDown();
            }
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> f : calls) {
                answers.add(f.get());
            }
            long ok = answers.stream().filter(r -> r.statusCode() == 200).count();
            List<HttpResponse<String>> refused = answers.stream().filter(r -> r.statusCode() == 402).toList();
            assertThat(ok + refused.size()).isEqualTo(64);
            assertThat(ok).isBetween(1L, 12L);
            assertThat(Http.json(refused.getFirst().body()).at("/error/code").asText()).isEqualTo("insufficient_credits");
            g.awaitUsage(answers.getLast().headers().firstValue("X-Request-Id").orElseThrow());
            for (HttpResponse<String> r : answers) {
                g.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow());
            }

            CreditBalance after = new SqlCreditLedger(g.db, InstantSource.system()).balance(keyId(key)).orElseThrow();
            assertThat(Money.toNanos(after.balanceUsd())).isGreaterThanOrEqualTo(-ESTIMATE_NANOS);
            assertThat(after.reservedUsd()).isZero();
            long settled = Money.toNanos(initial) - Money.toNanos(after.balanceUsd());
            assertThat(settled).isEqualTo(usageCostNanos(g, keyId(key))).isEqualTo(ok * CALL_NANOS);
        }
    }

    @Test
    void balanceAtZeroIsRefusedAndAnswersCarryWhatRemains() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            String empty = g.mintKey(new NewKey("empty", "default", false, List.of(), null, null, null, BigDecimal.ZERO));
            HttpResponse<String> refused = Http.send(g.post("/v1/chat/completions", BODY)
                    .setHeader("Authorization", "Bearer " + empty));
            assertThat(refused.statusCode()).isEqualTo(402);
            assertThat(refused.body()).contains("aegis credits add");

            String funded = g.mintKey(new NewKey("funded", "default", false, List.of(), null, null, null, BigDecimal.ONE));
            HttpResponse<String> ok = Http.send(g.post("/v1/chat/completions", BODY)
                    .setHeader("Authorization", "Bearer " + funded));
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("X-Aegis-Credits-Remaining")).hasValueSatisfying(v ->
                    assertThat(new BigDecimal(v)).isEqualByComparingTo(BigDecimal.ONE.subtract(Money.toUsd(ESTIMATE_NANOS))));
            assertThat(Http.send(g.post("/v1/chat/completions", BODY)).headers().firstValue("X-Aegis-Credits-Remaining"))
                    .isEmpty();
        }
    }

    /**
     * gpt-5 as the fake bills it (21 input of which 5 cached, 5 output), per M: standard 1.25 / 0.125 / 10,
     * priority 2.5 / 0.25 / 20.
     */
    private static final long GPT5_NANOS = 16 * 1250 + 5 * 125 + 5 * 10_000;
    private static final long GPT5_PRIORITY_NANOS = 16 * 2500 + 5 * 250 + 5 * 20_000;

    @Test
    void aCallAtThePriorityTierIsReservedAndChargedAtItsPrices() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            String key = g.mintKey(new NewKey("funded", "default", false, List.of(), null, null, null, BigDecimal.ONE));
            String priority = "{\"model\":\"gpt-5\",\"service_tier\":\"priority\",\"max_tokens\":10,\"messages\":[]}";
            HttpResponse<String> whole = Http.send(g.post("/v1/chat/completions", priority).setHeader("Authorization", "Bearer " + key));
            assertThat(whole.statusCode()).isEqualTo(200);
            long estimate = (priority.length() / 4) * 2500L + 10 * 20_000L;
            assertThat(whole.headers().firstValue("X-Aegis-Credits-Remaining")).hasValueSatisfying(v ->
                    assertThat(new BigDecimal(v)).isEqualByComparingTo(BigDecimal.ONE.subtract(Money.toUsd(estimate))));
            assertThat(new BigDecimal(whole.headers().firstValue("X-Cost-USD").orElseThrow()))
                    .isEqualByComparingTo(Money.toUsd(GPT5_PRIORITY_NANOS));
            g.awaitUsage(whole.headers().firstValue("X-Request-Id").orElseThrow());

            String streamed = priority.replace("\"messages\"", "\"stream\":true,\"messages\"");
            HttpResponse<String> stream = Http.send(g.post("/v1/chat/completions", streamed).setHeader("Authorization", "Bearer " + key));
            assertThat(stream.body()).contains("\"service_tier\":\"priority\"");
            g.awaitUsage(stream.headers().firstValue("X-Request-Id").orElseThrow());

            // Asked at priority, served at the standard tier (the provider's capacity was spent): standard prices.
            g.fake.enqueue(new FakeProvider.CannedResponse(200, "application/json",
                    "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"gpt-5\",\"choices\":[],\"service_tier\":\"default\","
                            + "\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":5,\"prompt_tokens_details\":{\"cached_tokens\":5}}}",
                    Map.of()));
            HttpResponse<String> downgraded = Http.send(g.post("/v1/chat/completions", priority).setHeader("Authorization", "Bearer " + key));
            assertThat(new BigDecimal(downgraded.headers().firstValue("X-Cost-USD").orElseThrow()))
                    .isEqualByComparingTo(Money.toUsd(GPT5_NANOS));
            g.awaitUsage(downgraded.headers().firstValue("X-Request-Id").orElseThrow());

            long charged = 2 * GPT5_PRIORITY_NANOS + GPT5_NANOS;
            assertThat(usageCostNanos(g, keyId(key))).isEqualTo(charged);
            CreditBalance after = new SqlCreditLedger(g.db, InstantSource.system()).balance(keyId(key)).orElseThrow();
            assertThat(Money.toNanos(BigDecimal.ONE) - Money.toNanos(after.balanceUsd())).isEqualTo(charged);
        }
    }

    @Test
    void tokensAndSearchesWithPricesOfTheirOwnAreChargedAtThem() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            String key = g.mintKey(new NewKey("funded", "default", false, List.of(), null, null, null, BigDecimal.ONE));
            // gpt-audio per M: text 2.5 in / 10 out, audio 32 in / 64 out.
            g.fake.enqueue(new FakeProvider.CannedResponse(200, "application/json",
                    "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"gpt-audio\",\"choices\":[],"
                            + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500,"
                            + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":600},"
                            + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":400}}}",
                    Map.of()));
            HttpResponse<String> spoken = Http.send(g.post("/v1/chat/completions",
                    "{\"model\":\"gpt-audio\",\"modalities\":[\"text\",\"audio\"],\"max_tokens\":500,\"messages\":[]}")
                    .setHeader("Authorization", "Bearer " + key));
            assertThat(new BigDecimal(spoken.headers().firstValue("X-Cost-USD").orElseThrow()))
                    .isEqualByComparingTo("0.0468"); // 400 × 2.5 + 600 × 32 + 100 × 10 + 400 × 64 per M

            // claude-sonnet-4-5 per M: input 3, cache reads 0.3, writes 3.75 for five minutes and 6 for an hour,
            // output 15; and $0.01 a web search.
            g.fake.enqueue(new FakeProvider.CannedResponse(200, "application/json",
                    "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                            + "\"content\":[],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":25,"
                            + "\"cache_read_input_tokens\":400,\"cache_creation_input_tokens\":1100,\"cache_creation\":"
                            + "{\"ephemeral_5m_input_tokens\":100,\"ephemeral_1h_input_tokens\":1000},\"output_tokens\":15,"
                            + "\"server_tool_use\":{\"web_search_requests\":2}}}",
                    Map.of()));
            HttpResponse<String> cached = Http.send(g.post("/v1/messages",
                    "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"messages\":[]}").setHeader("Authorization", "Bearer " + key));
            assertThat(new BigDecimal(cached.headers().firstValue("X-Cost-USD").orElseThrow()))
                    .isEqualByComparingTo("0.026795"); // 25 × 3 + 400 × 0.3 + 100 × 3.75 + 1000 × 6 + 15 × 15 per M + 2 × $0.01

            // gpt-5.6 per M: input 5, cache reads 0.5, cache writes 6.25 (a Responses answer's cache_write_tokens), output 30.
            g.fake.enqueue(new FakeProvider.CannedResponse(200, "application/json",
                    "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"gpt-5.6\",\"output\":[],"
                            + "\"usage\":{\"input_tokens\":10000,\"input_tokens_details\":{\"cached_tokens\":2000,"
                            + "\"cache_write_tokens\":4000},\"output_tokens\":100,\"output_tokens_details\":{\"reasoning_tokens\":0}}}",
                    Map.of()));
            HttpResponse<String> written = Http.send(g.post("/v1/responses",
                    "{\"model\":\"gpt-5.6\",\"max_output_tokens\":100,\"input\":\"hi\"}").setHeader("Authorization", "Bearer " + key));
            assertThat(new BigDecimal(written.headers().firstValue("X-Cost-USD").orElseThrow()))
                    .isEqualByComparingTo("0.049"); // 4000 × 5 + 2000 × 0.5 + 4000 × 6.25 + 100 × 30 per M

            g.awaitUsage(spoken.headers().firstValue("X-Request-Id").orElseThrow());
            g.awaitUsage(cached.headers().firstValue("X-Request-Id").orElseThrow());
            g.awaitUsage(written.headers().firstValue("X-Request-Id").orElseThrow());
            assertThat(usageCostNanos(g, keyId(key))).isEqualTo(46_800_000L + 26_795_000L + 49_000_000L);
            CreditBalance after = new SqlCreditLedger(g.db, InstantSource.system()).balance(keyId(key)).orElseThrow();
            assertThat(Money.toNanos(BigDecimal.ONE) - Money.toNanos(after.balanceUsd())).isEqualTo(46_800_000L + 26_795_000L + 49_000_000L);
        }
    }

    @Test
    void unpricedModelsAreRefusedForKeysWithCreditsWhenConfigured() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "pricing: { unknown: refuse }", Map.of())) {
            String funded = g.mintKey(new NewKey("funded", "default", false, List.of(), null, null, null, BigDecimal.ONE));
            HttpResponse<String> refused = Http.send(g.post("/v1/chat/completions", "{\"model\":\"my-local-model\"}")
                    .setHeader("Authorization", "Bearer " + funded));
            assertThat(refused.statusCode()).isEqualTo(403);
            JsonNode error = Http.json(refused.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("model_not_allowed");
            assertThat(error.path("message").asText()).contains("pricing.unknown");

            assertThat(Http.send(g.post("/v1/chat/completions", "{\"model\":\"my-local-model\"}")).statusCode()).isEqualTo(200);
        }
    }

    /** One call asking for more than the key has left is capped to it, and refused when its prompt alone is more. */
    @Test
    void oneCallCannotSpendMoreThanWhatIsLeft() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            String cent = g.mintKey(new NewKey("cent", "default", false, List.of(), null, null, null, new BigDecimal("0.01")));
            // 128 answers of up to 16,384 tokens at $0.60 per M: $1.26 asked of a $0.01 balance.
            String greedy = "{\"model\":\"gpt-4o-mini\",\"n\":128,\"max_completion_tokens\":16384,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            int forwarded = g.fake.requests().size();
            HttpResponse<String> capped = Http.send(g.post("/v1/chat/completions", greedy).setHeader("Authorization", "Bearer " + cent));
            assertThat(capped.statusCode()).as(capped.body()).isEqualTo(200);
            JsonNode sent = Http.json(new String(g.fake.requests().get(forwarded).body(), StandardCharsets.UTF_8));
            long perAnswer = sent.path("max_completion_tokens").asLong();
            // What $0.01 pays after the prompt (about 25 tokens of body at $0.15 per M), shared by 128 answers.
            assertThat(perAnswer).isBetween(120L, 130L);
            assertThat(BigDecimal.valueOf(perAnswer * 128 * 600L).add(BigDecimal.valueOf(greedy.length() / 4 * 150L)))
                    .as("the most the capped call can cost, in nano-USD").isLessThanOrEqualTo(BigDecimal.valueOf(10_000_000));

            String tenth = g.mintKey(new NewKey("tenth", "default", false, List.of(), null, null, null, new BigDecimal("0.0001")));
            // 4,000 prompt tokens at $0.15 per M: $0.0006, more than the $0.0001 left.
            String big = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(16_000) + "\"}]}";
            HttpResponse<String> refused = Http.send(g.post("/v1/chat/completions", big).setHeader("Authorization", "Bearer " + tenth));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(402);
            assertThat(Http.json(refused.body()).at("/error/code").asText()).isEqualTo("insufficient_credits");
            // Its reservation was given back: a small call still fits what is left.
            HttpResponse<String> small = Http.send(g.post("/v1/chat/completions", BODY).setHeader("Authorization", "Bearer " + tenth));
            assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
        }
    }

    /** A provider's absurd count is capped and recorded; an answer without usage is flagged and paid at its reservation. */
    @Test
    void usageTooLargeOrAbsentIsStillRecordedAndCharged() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            String key = g.mintKey(new NewKey("funded", "default", false, List.of(), null, null, null, BigDecimal.ONE));
            g.fake.enqueue(new FakeProvider.CannedResponse(200, "application/json", "{\"id\":\"c1\",\"object\":\"chat.completion\","
                    + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
                    + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9223372036854775807,\"completion_tokens\":5}}", Map.of()));
            HttpResponse<String> huge = Http.send(g.post("/v1/chat/completions", BODY).setHeader("Authorization", "Bearer " + key));
            assertThat(huge.statusCode()).as(huge.body()).isEqualTo(200);
            UsageRowView hugeRow = g.awaitUsage(huge.headers().firstValue("X-Request-Id").orElseThrow());
            assertThat(hugeRow.input()).isEqualTo(1L << 32);
            assertThat(hugeRow.costNanos()).isPositive();

            String funded = g.mintKey(new NewKey("funded2", "default", false, List.of(), null, null, null, BigDecimal.ONE));
            // A stream that ends without usage (a server that ignores include_usage).
            g.fake.enqueue(new FakeProvider.CannedResponse(200, "text/event-stream", "data: {\"id\":\"c2\",\"object\":"
                    + "\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},"
                    + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", Map.of()));
            String stream = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":10,\"stream\":true,\"messages\":[]}";
            HttpResponse<String> none = Http.send(g.post("/v1/chat/completions", stream).setHeader("Authorization", "Bearer " + funded));
            assertThat(none.statusCode()).isEqualTo(200);
            UsageRowView noneRow = g.awaitUsage(none.headers().firstValue("X-Request-Id").orElseThrow());
            assertThat(noneRow.unpriced()).as("no usage reported: flagged").isTrue();
            long reserved = (stream.length() / 4) * 150L + 10 * 600L;
            assertThat(noneRow.costNanos()).as("paid at what was reserved for it").isEqualTo(reserved);
            CreditBalance after = new SqlCreditLedger(g.db, InstantSource.system()).balance(keyId(funded)).orElseThrow();
            assertThat(BigDecimal.ONE.subtract(after.balanceUsd())).isEqualByComparingTo(Money.toUsd(reserved));

            // A call capped to a small balance and answered without usage pays its capped estimate, never more than the
            // balance (an outside review saw a $0.01 key charged $0.041: the reservation from before the cap), and its
            // X-Cost-USD says what its row records.
            String cent = g.mintKey(new NewKey("cent", "default", false, List.of(), null, null, null, new BigDecimal("0.01")));
            g.fake.enqueue(new FakeProvider.CannedResponse(200, "application/json", "{\"id\":\"c3\",\"object\":\"chat.completion\","
                    + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
                    + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0}}", Map.of()));
            HttpResponse<String> capped = Http.send(g.post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .setHeader("Authorization", "Bearer " + cent));
            assertThat(capped.statusCode()).as(capped.body()).isEqualTo(200);
            UsageRowView cappedRow = g.awaitUsage(capped.headers().firstValue("X-Request-Id").orElseThrow());
            assertThat(cappedRow.costNanos()).as("at most the balance").isPositive().isLessThanOrEqualTo(10_000_000L);
            assertThat(new BigDecimal(capped.headers().firstValue("X-Cost-USD").orElseThrow()))
                    .isEqualByComparingTo(Money.toUsd(cappedRow.costNanos()));
            CreditBalance centAfter = new SqlCreditLedger(g.db, InstantSource.system()).balance(keyId(cent)).orElseThrow();
            assertThat(centAfter.balanceUsd()).as("not overdrawn").isGreaterThanOrEqualTo(BigDecimal.ZERO);
            assertThat(centAfter.reservedUsd()).isZero();
        }
    }
}
