package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.fakeprovider.FakeProvider.CannedResponse;
import dev.aegis.testing.RefusedPort;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retries and fallbacks happen before the first byte reaches the client. */
class FallbackIT {

    private static final String RATE_LIMITED = "{\"error\":{\"message\":\"slow down\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}";

    @TempDir
    Path temp;

    @Test
    void rateLimitedTwiceWithRetryAfterMsThenServed() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "retry: { attempts: 3, base_delay: 10ms, max_delay: 1s }", Map.of())) {
            for (int i = 0; i < 2; i++) {
                g.fake.enqueue(new CannedResponse(429, "application/json", RATE_LIMITED, Map.of("retry-after-ms", "20")));
            }
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("Hello from the fake provider.");
            assertThat(g.fake.requests()).hasSize(3);
        }
    }

    @Test
    void aProviderAskingForLongerThanMaxDelayIsPassedThroughAtOnce() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "retry: { attempts: 3, base_delay: 10ms, max_delay: 1s }", Map.of())) {
            g.fake.enqueue(new CannedResponse(429, "application/json", RATE_LIMITED, Map.of("retry-after", "30")));
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));

            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("retry-after")).hasValue("30");
            assertThat(g.fake.requests()).hasSize(1);
        }
    }

    @Test
    void aQuotaThatIsGoneIsNotRetriedAndReachesAnAnthropicClientAsABillingError() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "retry: { attempts: 3, base_delay: 10ms, max_delay: 1s }", Map.of())) {
            for (int i = 0; i < 3; i++) {
                g.fake.enqueue(new CannedResponse(429, "application/json", "{\"error\":{\"message\":\"You exceeded your"
                        + " current quota\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}", Map.of()));
            }
            HttpResponse<String> r = Http.send(g.post("/v1/messages",
                    "{\"model\":\"gpt-4o-mini\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));

            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(Http.json(r.body()).at("/error/type").asText()).isEqualTo("billing_error");
            assertThat(Http.json(r.body()).at("/error/message").asText()).isEqualTo("You exceeded your current quota");
            assertThat(r.headers().firstValue("x-should-retry")).as("the SDKs do not retry it either").hasValue("false");
            assertThat(g.fake.requests()).as("waiting does not bring the quota back").hasSize(1);
        }
    }

    @Test
    void failingFirstTargetFallsBackToTheNextAndTheRowNamesWhoServed() throws Exception {
        try (FakeProvider first = FakeProvider.start()) {
            first.enqueue(new CannedResponse(500, "application/json", "{\"error\":{\"message\":\"boom\"}}", Map.of()));
            try (TestGateway g = TestGateway.start(temp, """
                    retry: { attempts: 1 }
                    providers:
                      local: { type: openai-compatible, base_url: "%s" }
                    models:
                      fast:
                        - { provider: local, model: llama3.2 }
                        - { provider: openai, model: gpt-4o-mini }
                    """.formatted(first.baseUrl()), Map.of())) {
                HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"fast\"}"));

                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("X-Aegis-Provider")).hasValue("openai");
                assertThat(first.requests()).hasSize(1);
                assertThat(first.requests().getFirst().bodyText()).isEqualTo("{\"model\":\"llama3.2\"}");
                assertThat(g.fake.requests().getLast().bodyText()).isEqualTo("{\"model\":\"gpt-4o-mini\"}");
                UsageRowView row = g.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow());
                assertThat(row.provider()).isEqualTo("openai");
                assertThat(row.model()).isEqualTo("gpt-4o-mini");
                assertThat(row.modelRequested()).isEqualTo("fast");
            }
        }
    }

    @Test
    void unreachableFirstTargetFallsBackToo() throws Exception {
        try (RefusedPort refused = RefusedPort.open()) {
            int closed = refused.port();
            try (TestGateway g = TestGateway.start(temp, """
                    retry: { attempts: 2, base_delay: 10ms }
                    providers:
                      down: { type: openai-compatible, base_url: "http://127.0.0.1:%d/v1" }
                    models:
                      fast: [ { provider: down, model: x }, { provider: openai, model: gpt-4o-mini } ]
                    """.formatted(closed), Map.of())) {
                HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"fast\"}"));

                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("X-Aegis-Provider")).hasValue("openai");
            }
        }
    }

    @Test
    void whenEveryTargetFailsTheLastAnswerIsPassedThrough() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "retry: { attempts: 2, base_delay: 10ms }", Map.of())) {
            for (int i = 0; i < 2; i++) {
                g.fake.enqueue(new CannedResponse(503, "application/json", "{\"error\":{\"message\":\"overloaded\"}}", Map.of()));
            }
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));

            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("overloaded");
            assertThat(g.fake.requests()).hasSize(2);
        }
    }

    /** A target whose protocol cannot carry the call (Claude: n above 1) is passed over, not the end of the chain. */
    @Test
    void aTargetThatCannotCarryTheCallIsPassedOver() throws Exception {
        try (TestGateway g = TestGateway.start(temp, """
                retry: { attempts: 1 }
                models:
                  claude-first: [ { provider: anthropic, model: claude-sonnet-4-5 }, { provider: openai, model: gpt-4o-mini } ]
                  openai-first: [ { provider: openai, model: gpt-4o-mini }, { provider: anthropic, model: claude-sonnet-4-5 } ]
                """, Map.of())) {
            String twoAnswers = "{\"model\":\"%s\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            HttpResponse<String> served = Http.send(g.post("/v1/chat/completions", twoAnswers.formatted("claude-first")));
            assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
            assertThat(served.headers().firstValue("X-Aegis-Provider")).hasValue("openai");

            // The OpenAI target fails: its answer is the call's, not the Claude target's refusal of n.
            g.fake.enqueue(new CannedResponse(503, "application/json", "{\"error\":{\"message\":\"overloaded\"}}", Map.of()));
            HttpResponse<String> failed = Http.send(g.post("/v1/chat/completions", twoAnswers.formatted("openai-first")));
            assertThat(failed.statusCode()).as(failed.body()).isEqualTo(503);
            assertThat(failed.body()).contains("overloaded");
        }
    }
}
