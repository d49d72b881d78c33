package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.NewKey;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prompt log: previews of prompts and answers with secrets redacted, retention by count, admin only. */
class PromptLogIT {

    private static final String GITHUB = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
    private static final String AWS = "AKIAIOSFODNN7EXAMPLE";
    private static final String ANSWER = "Hello from the fake provider.";

    @TempDir
    Path temp;

    private static String admin(TestGateway g) {
        return g.mintKey(new NewKey("ops", "default", true, List.of(), null, null, null, null));
    }

    private static HttpResponse<String> get(TestGateway g, String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(g.url() + path)).timeout(Duration.ofSeconds(10)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return Http.send(b);
    }

    private static String call(TestGateway g, String path, String body) throws Exception {
        HttpResponse<String> r = Http.send(g.post(path, body));
        assertThat(r.statusCode()).as(r.body()).isLessThan(500);
        return r.headers().firstValue("X-Request-Id").orElseThrow();
    }

    /** The entry of a request, waiting (bounded) for the prompt log's writer. */
    private static JsonNode await(TestGateway g, String admin, String requestId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode e : Http.json(get(g, "/api/prompt-log?limit=1000", admin).body()).path("entries")) {
                if (e.path("request_id").asText().equals(requestId)) {
                    return e;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no prompt-log entry for " + requestId + " within 5 s");
    }

    @Test
    void entriesHoldPreviewsAndCountsWithSecretsRedactedEvenWhenTheCallWentThroughUnredacted() throws Exception {
        // mode off: the provider gets the secrets, the prompt log still never holds them.
        try (TestGateway g = TestGateway.start(temp, "security: { secrets: { mode: off } }\n"
                + "audit: { prompt_log: { enabled: true } }", Map.of())) {
            String admin = admin(g);
            String id = call(g, "/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":["
                    + "{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"my token is " + GITHUB
                    + " and my gateway key is " + g.clientKey + "\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                    + "\"text\":\"aws " + AWS + "\"}]}]}");
            assertThat(g.fake.requests().getLast().bodyText()).contains(GITHUB);

            JsonNode e = await(g, admin, id);
            assertThat(e.path("request_preview").asText()).isEqualTo("be brief\nmy token is [REDACTED:github_token] and "
                    + "my gateway key is [REDACTED:aegis_key]\naws [REDACTED:aws_access_key_id]");
            assertThat(e.path("response_preview").asText()).isEqualTo(ANSWER);
            assertThat(e.path("redactions").asInt()).isEqualTo(3);
            assertThat(e.path("key_id").asText()).isEqualTo(ApiKeys.parse(g.clientKey).orElseThrow().id());
            assertThat(e.path("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(e.path("status").asInt()).isEqualTo(200);
            assertThat(e.path("input_tokens").asLong()).isEqualTo(21);
            assertThat(e.path("output_tokens").asLong()).isEqualTo(5);
            assertThat(e.path("ts").asText()).endsWith("Z");
            String all = get(g, "/api/prompt-log", admin).body();
            assertThat(all).doesNotContain(GITHUB).doesNotContain(AWS).doesNotContain(g.clientKey)
                    .doesNotContain(TestGateway.PROVIDER_KEY);
        }
    }

    @Test
    void redactModeAndBlockedCallsAreLoggedRedacted() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "security: { secrets: { mode: redact } }\n"
                + "audit: { prompt_log: { enabled: true } }", Map.of())) {
            String admin = admin(g);
            String id = call(g, "/v1/responses", "{\"model\":\"gpt-4o-mini\",\"instructions\":\"fix it\",\"input\":[{\"type\":"
                    + "\"function_call_output\",\"call_id\":\"c1\",\"output\":\"AWS_KEY=" + AWS + "\"}]}");
            JsonNode e = await(g, admin, id);
            assertThat(e.path("request_preview").asText()).isEqualTo("fix it\nAWS_KEY=[REDACTED:aws_access_key_id]");
            assertThat(e.path("response_preview").asText()).isEqualTo(ANSWER);
        }
        try (TestGateway g = TestGateway.start(temp, "audit: { prompt_log: { enabled: true } }", Map.of())) {
            String admin = admin(g);
            String id = call(g, "/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"system\":\"sys\","
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"token " + GITHUB + "\"}]}");
            JsonNode e = await(g, admin, id);
            assertThat(e.path("status").asInt()).isEqualTo(403);
            assertThat(e.path("error_code").asText()).isEqualTo("secret_detected");
            assertThat(e.path("request_preview").asText()).isEqualTo("sys\ntoken [REDACTED:github_token]");
            assertThat(e.path("response_preview").asText()).isEmpty();
        }
    }

    @Test
    void streamedAnswersArePreviewedOnceWhateverTheProtocolAndSecretsSplitAcrossEventsAreRedacted() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "security: { secrets: { mode: off } }\n"
                + "audit: { prompt_log: { enabled: true, preview_chars: 20 } }", Map.of())) {
            String admin = admin(g);
            String chat = call(g, "/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            String responses = call(g, "/v1/responses", "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"input\":\"hi\"}");
            String messages = call(g, "/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            for (String id : List.of(chat, responses, messages)) {
                JsonNode e = await(g, admin, id);
                assertThat(e.path("response_preview").asText()).as(id).isEqualTo(ANSWER.substring(0, 20));
                assertThat(e.path("output_tokens").asLong()).as(id).isPositive();
            }

            // A secret the model streams in pieces; the preview is cut after redaction, never inside the secret.
            StringBuilder sse = new StringBuilder();
            for (String piece : List.of("key: ", "ghp_0123456789", "abcdefghijklmnop", "qrstuvwxyz", " ok")) {
                sse.append("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"").append(piece).append("\"}}]}\n\n");
            }
            sse.append("data: [DONE]\n\n");
            g.fake.enqueue(new FakeProvider.CannedResponse(200, "text/event-stream", sse.toString(), Map.of()));
            String secret = call(g, "/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + "long prompt "
                            .repeat(10) + "\"}]}");
            JsonNode e = await(g, admin, secret);
            assertThat(e.path("response_preview").asText()).isEqualTo("key: [REDACTED:githu");
            assertThat(e.path("request_preview").asText()).isEqualTo("long prompt long pro");
            assertThat(e.path("redactions").asInt()).isEqualTo(1);
        }
    }

    @Test
    void onlyTheNewestMaxEntriesAreKept() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "audit: { prompt_log: { enabled: true, max_entries: 3 } }", Map.of())) {
            String admin = admin(g);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(call(g, "/v1/chat/completions",
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"call " + i + "\"}]}"));
            }
            await(g, admin, ids.getLast());

            JsonNode entries = Http.json(get(g, "/api/prompt-log?limit=100", admin).body()).path("entries");
            assertThat(entries.findValuesAsText("request_id")).containsExactly(ids.get(4), ids.get(3), ids.get(2));
            assertThat(entries.findValuesAsText("request_preview")).containsExactly("call 4", "call 3", "call 2");
            assertThat(Http.json(get(g, "/api/prompt-log?limit=2", admin).body()).path("entries")).hasSize(2);
        }
    }

    @Test
    void offByDefaultAndAdminOnly() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            String admin = admin(g);
            String id = call(g, "/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            g.awaitUsage(id);

            HttpResponse<String> off = get(g, "/api/prompt-log", admin);
            assertThat(off.statusCode()).isEqualTo(200);
            assertThat(Http.json(off.body()).path("enabled").asBoolean(true)).isFalse();
            assertThat(Http.json(off.body()).path("entries")).isEmpty();
            long stored = g.db.read(c -> {
                try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM prompt_log")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertThat(stored).isZero();

            assertThat(get(g, "/api/prompt-log", g.clientKey).statusCode()).isEqualTo(403);
            assertThat(Http.json(get(g, "/api/prompt-log", g.clientKey).body()).at("/error/code").asText()).isEqualTo("forbidden");
            assertThat(get(g, "/api/prompt-log", null).statusCode()).isEqualTo(401);
            for (String bad : List.of("abc", "0", "-1", "1.5", "99999999999999999999")) {
                HttpResponse<String> r = get(g, "/api/prompt-log?limit=" + bad, admin);
                assertThat(r.statusCode()).as(bad).isEqualTo(400);
                assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("invalid_request");
            }
            assertThat(get(g, "/api/prompt-log?limit=5000", admin).statusCode()).isEqualTo(200);
        }
    }
}
