package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.NewKey;
import dev.aegis.store.CreditBalance;
import dev.aegis.store.Money;
import dev.aegis.store.SqlCreditLedger;
import dev.aegis.testing.RefusedPort;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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

/**
 * A reservation covers what a call can really cost, also when its input is not in the body (stored
 * context of the Responses API) and when the alias's chain may fall back to a pricier model: 64
 * concurrent calls on a small balance overdraw it by no more than one call's real cost.
 */
class CreditReservationIT {

    private static final int CALLS = 64;

    @TempDir
    Path temp;

    @Test
    void storedContextCallsReserveAFloorAndCannotOverdrawByMoreThanOneCall() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            // Each call continues a stored conversation of 100k tokens: the body shows none of it.
            g.fake.storedContextTokens(100_000);
            String body = "{\"model\":\"gpt-4o-mini\",\"previous_response_id\":\"resp_abc123\",\"max_output_tokens\":16,"
                    + "\"input\":\"and then?\"}";
            long oneCall = realCostOfOneCall(g, "/v1/responses", body);
            assertThat(oneCall).as("the stored context is billed").isGreaterThan(100_000 * 150L);

            overdrawsByAtMostOneCall(g, "/v1/responses", body, oneCall);
        }
    }

    @Test
    void fallbackChainsReserveForTheirMostExpensiveModel() throws Exception {
        try (RefusedPort refused = RefusedPort.open()) {
            int closed = refused.port();
            try (TestGateway g = TestGateway.start(temp, """
                    retry: { attempts: 1 }
                    providers:
                      down: { type: openai-compatible, base_url: "http://127.0.0.1:%d/v1" }
                    models:
                      fast:
                        - { provider: down, model: cheap-model }
                        - { provider: openai, model: dear-model }
                    pricing:
                      overrides:
                        cheap-model: { input: 0.01, output: 0.01 }
                        dear-model: { input: 100, output: 100 }
                    """.formatted(closed), Map.of())) {
                // The first target is unreachable, so every call is served (and billed) by the dear model.
                String body = "{\"model\":\"fast\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\""
                        + "word ".repeat(40) + "\"}]}";
                long oneCall = realCostOfOneCall(g, "/v1/chat/completions", body);

                overdrawsByAtMostOneCall(g, "/v1/chat/completions", body, oneCall);
            }
        }
    }

    @Test
    void aCallWithoutAnOutputLimitByAKeyWithCreditsGetsTheOneItWasReservedFor() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "governance: { credits: { default_output_tokens: 1000 } }",
                Map.of())) {
            String funded = g.mintKey(new NewKey("funded", "default", false, List.of(), null, null, null, BigDecimal.ONE));
            String unlimited = g.mintKey(new NewKey("plain", "default", false, List.of(), null, null, null, null));
            String chat = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            String responses = "{\"model\":\"gpt-4o-mini\",\"input\":\"hi\"}";
            String own = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":10,\"messages\":[]}";

            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", chat).setHeader("Authorization", "Bearer " + funded));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(g.fake.requests().getLast().bodyText()).startsWith("{\"max_completion_tokens\":1000,");
            // (body bytes / 4) x $0.15 + 1000 x $0.60 per million held: the output the call may now produce.
            assertThat(new BigDecimal(r.headers().firstValue("X-Aegis-Credits-Remaining").orElseThrow()))
                    .isEqualByComparingTo(BigDecimal.ONE.subtract(Money.toUsd((chat.length() / 4) * 150L + 1000 * 600L)));
            assertThat(Http.send(g.post("/v1/responses", responses).setHeader("Authorization", "Bearer " + funded))
                    .statusCode()).isEqualTo(200);
            assertThat(g.fake.requests().getLast().bodyText()).startsWith("{\"max_output_tokens\":1000,");

            // The client's own limit, or a key without credits: the body goes as sent.
            assertThat(Http.send(g.post("/v1/chat/completions", own).setHeader("Authorization", "Bearer " + funded))
                    .statusCode()).isEqualTo(200);
            assertThat(g.fake.requests().getLast().bodyText()).isEqualTo(own);
            assertThat(Http.send(g.post("/v1/chat/completions", chat).setHeader("Authorization", "Bearer " + unlimited))
                    .statusCode()).isEqualTo(200);
            assertThat(g.fake.requests().getLast().bodyText()).isEqualTo(chat);
        }
    }

    @Test
    void theStoredContextFloorIsConfigurable() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "governance: { credits: { stored_context_tokens: 2000000 } }",
                Map.of())) {
            String key = g.mintKey(new NewKey("funded", "default", false, List.of(), null, null, null, BigDecimal.ONE));
            String stored = "{\"model\":\"gpt-4o-mini\",\"previous_response_id\":\"resp_abc123\",\"input\":\"hi\"}";
            HttpResponse<String> r = Http.send(g.post("/v1/responses", stored).setHeader("Authorization", "Bearer " + key));

            assertThat(r.statusCode()).isEqualTo(200);
            // 2M tokens at $0.15 per million: $0.30 held for this call, on top of its output.
            assertThat(new BigDecimal(r.headers().firstValue("X-Aegis-Credits-Remaining").orElseThrow()))
                    .isLessThan(new BigDecimal("0.70"));

            String plain = "{\"model\":\"gpt-4o-mini\",\"input\":\"hi\"}";
            HttpResponse<String> p = Http.send(g.post("/v1/responses", plain).setHeader("Authorization", "Bearer " + key));
            assertThat(p.statusCode()).isEqualTo(200);
            assertThat(new BigDecimal(p.headers().firstValue("X-Aegis-Credits-Remaining").orElseThrow()))
                    .as("a call whose input is all in its body reserves no floor").isGreaterThan(new BigDecimal("0.9"));
        }
    }

    /** Makes one call with a key of ample credits and returns what it was charged. */
    private static long realCostOfOneCall(TestGateway g, String path, String body) throws Exception {
        String rich = g.mintKey(new NewKey("rich", "default", false, List.of(), null, null, null, new BigDecimal("1000")));
        HttpResponse<String> r = Http.send(g.post(path, body).setHeader("Authorization", "Bearer " + rich));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return g.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow()).costNanos();
    }

    /** Sends {@value #CALLS} calls at once on a balance worth three of them; checks the overdraft and the books. */
    private static void overdrawsByAtMostOneCall(TestGateway g, String path, String body, long oneCall) throws Exception {
        BigDecimal initial = Money.toUsd(3 * oneCall);
        String key = g.mintKey(new NewKey("tight", "default", false, List.of(), null, null, null, initial));
        g.fake.headerDelay(Duration.ofMillis(150));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> calls = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CALLS; i++) {
                calls.add(pool.submit(() -> {
                    go.await();
                    return Http.send(g.post(path, body).setHeader("Authorization", "Bearer " + key));
                }));
            }
            go.countDown();
        }
        long ok = 0;
        long costs = 0;
        for (Future<HttpResponse<String>> f : calls) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).as(r.body()).isIn(200, 402);
            UsageRowView row = g.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow());
            costs += row.costNanos();
            if (r.statusCode() == 200) {
                ok++;
            }
        }
        assertThat(ok).isGreaterThanOrEqualTo(1);

        String keyId = ApiKeys.parse(key).orElseThrow().id();
        CreditBalance after = new SqlCreditLedger(g.db, InstantSource.system()).balance(keyId).orElseThrow();
        assertThat(after.reservedUsd()).isZero();
        long balance = Money.toNanos(after.balanceUsd());
        assertThat(Money.toNanos(initial) - balance).as("charged exactly what the usage rows record").isEqualTo(costs);
        assertThat(balance).as("%d calls served on a balance worth 3", ok).isGreaterThanOrEqualTo(-oneCall);
    }
}
