package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.keys.NewKey;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rate limits through a real daemon: headers on every answer, 429 with Retry-After, recorded refusals. */
class RateLimitIT {

    @TempDir
    Path temp;

    @Test
    void perKeyRpmAndConfiguredRules() throws Exception {
        try (TestGateway g = TestGateway.start(temp, """
                governance:
                  enabled: true
                  rate_limits:
                    - { window: 15m, requests: 3, scope: all }
                """, Map.of())) {
            String key = g.mintKey(new NewKey("rpm2", "default", false, List.of(), 2, null, null, null));
            String body = "{\"model\":\"gpt-4o-mini\"}";

            HttpResponse<String> first = Http.send(g.post("/v1/chat/completions", body).setHeader("Authorization", "Bearer " + key));
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("X-RateLimit-Limit")).hasValue("2");
            assertThat(first.headers().firstValue("X-RateLimit-Remaining")).hasValue("1");
            assertThat(first.headers().firstValue("X-RateLimit-Reset-Ms")).isPresent();
            assertThat(Http.send(g.post("/v1/chat/completions", body).setHeader("Authorization", "Bearer " + key))
                    .statusCode()).isEqualTo(200);

            HttpResponse<String> refused = Http.send(g.post("/v1/messages", body).setHeader("x-api-key", key)
                    .setHeader("Authorization", "Bearer " + key));
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                    assertThat(Integer.parseInt(v)).isBetween(1, 30));
            assertThat(Http.json(refused.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");
            assertThat(g.awaitUsage(refused.headers().firstValue("X-Request-Id").orElseThrow()).errorCode())
                    .isEqualTo("rate_limit_exceeded");

            // The configured rule (3 per 15 min) applies to keys without their own rpm too.
            for (int i = 0; i < 3; i++) {
                assertThat(Http.send(g.post("/v1/chat/completions", body)).statusCode()).isEqualTo(200);
            }
            HttpResponse<String> fourth = Http.send(g.post("/v1/chat/completions", body));
            assertThat(fourth.statusCode()).isEqualTo(429);
            assertThat(Http.json(fourth.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
            // OpenAI's rate-limit type, which clients retry: insufficient_quota (out of money) made Codex stop at once
            // with "Quota exceeded" (an outside review with the real Codex CLI).
            assertThat(Http.json(fourth.body()).at("/error/type").asText()).isEqualTo("requests");
            assertThat(fourth.headers().firstValue("X-RateLimit-Limit")).hasValue("3");
        }
    }

    @Test
    void aScopeAllRuleCountsTheDaemonsOwnKeyRoutesTooAndAModelRuleDoesNot() throws Exception {
        try (TestGateway g = TestGateway.start(temp, """
                governance:
                  enabled: true
                  rate_limits:
                    - { window: 15m, requests: 3, scope: all }
                    - { window: 15m, requests: 1, scope: model }
                """, Map.of())) {
            String key = g.mintKey(new NewKey("reader", "default", false, List.of(), null, null, null, null));
            for (String route : List.of("/aegis/v1/usage", "/api/costs", "/v1/models")) {
                HttpResponse<String> ok = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(g.url() + route))
                        .header("Authorization", "Bearer " + key).GET());
                assertThat(ok.statusCode()).as(route).isEqualTo(200);
                assertThat(ok.headers().firstValue("X-RateLimit-Limit")).as(route).hasValue("3");
            }
            HttpResponse<String> refused = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(g.url()
                    + "/aegis/v1/usage")).header("Authorization", "Bearer " + key).GET());
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(Http.json(refused.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            // The model calls share the scope: all counter, spent by the reads above.
            assertThat(Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}")
                    .setHeader("Authorization", "Bearer " + key)).statusCode()).isEqualTo(429);
        }
    }

    @Test
    void perKeyTokensPerMinute() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            String key = g.mintKey(new NewKey("tpm30", "default", false, List.of(), null, 30, null, null));
            String body = "{\"model\":\"gpt-4o-mini\"}";
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> ok = Http.send(g.post("/v1/chat/completions", body)
                        .setHeader("Authorization", "Bearer " + key));
                assertThat(ok.statusCode()).isEqualTo(200);
                g.awaitUsage(ok.headers().firstValue("X-Request-Id").orElseThrow());
            }
            HttpResponse<String> refused = Http.send(g.post("/v1/chat/completions", body)
                    .setHeader("Authorization", "Bearer " + key));
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("X-RateLimit-Limit")).hasValue("30");
            assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                    assertThat(Integer.parseInt(v)).isBetween(40, 45));
        }
    }

    /** Calls sent at once each hold their estimate: together they cannot walk past a token limit that is not over yet. */
    @Test
    void callsSentAtOnceCannotPassATokenLimitTogether() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            String key = g.mintKey(new NewKey("tpm5000", "default", false, List.of(), null, 5_000, null, null));
            // Each holds its prompt (a few tokens) and its 2,000-token output limit until it ends.
            String body = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":2000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            g.fake.headerDelay(Duration.ofMillis(1500));
            List<HttpResponse<String>> answers;
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<HttpResponse<String>>> sent = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    sent.add(clients.submit(() -> Http.send(g.post("/v1/chat/completions", body)
                            .setHeader("Authorization", "Bearer " + key))));
                }
                answers = new ArrayList<>();
                for (Future<HttpResponse<String>> f : sent) {
                    answers.add(f.get(30, TimeUnit.SECONDS));
                }
            }
            g.fake.headerDelay(Duration.ZERO);
            List<HttpResponse<String>> refused = answers.stream().filter(a -> a.statusCode() == 429).toList();
            assertThat(answers).extracting(HttpResponse::statusCode).as("two holds leave the key under 5,000, the third"
                    + " takes it over: three admitted, three refused").containsOnly(200, 429);
            assertThat(refused).hasSize(3);
            for (HttpResponse<String> r : refused) {
                assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
                assertThat(Http.json(r.body()).at("/error/message").asText()).contains("held by this key's calls in flight");
                assertThat(r.headers().firstValue("Retry-After")).as("held, not spent: given back in moments").hasValue("1");
                assertThat(g.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow()).errorCode())
                        .isEqualTo("rate_limit_exceeded");
            }
            for (HttpResponse<String> ok : answers) {
                if (ok.statusCode() == 200) {
                    g.awaitUsage(ok.headers().firstValue("X-Request-Id").orElseThrow());
                }
            }
            // Ended, the three admitted calls count their real tokens (a few dozen), not the 6,000 they held.
            HttpResponse<String> after = Http.send(g.post("/v1/chat/completions", body).setHeader("Authorization", "Bearer " + key));
            assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
        }
    }
}
