package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets in prompts and tool outputs are blocked (or redacted) before anything leaves the machine. */
class SecretsIT {

    private static final String GITHUB = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
    private static final String AWS = "AKIAIOSFODNN7EXAMPLE";

    @TempDir
    Path temp;

    @Test
    void blockedByDefaultWithKindAndPathAndTheProviderNeverSeesIt() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            String chat = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                    + "{\"role\":\"user\",\"content\":\"my token is " + GITHUB + "\"}]}";
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", chat));

            assertThat(r.statusCode()).isEqualTo(403);
            JsonNode error = Http.json(r.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("secret_detected");
            assertThat(error.path("message").asText()).contains("github_token").contains("/messages/1/content");
            assertThat(r.body()).doesNotContain(GITHUB);

            String responsesToolOutput = "{\"model\":\"gpt-4o-mini\",\"input\":[{\"type\":\"function_call_output\","
                    + "\"call_id\":\"c1\",\"output\":\"AWS_KEY=" + AWS + "\"}]}";
            HttpResponse<String> tool = Http.send(g.post("/v1/responses", responsesToolOutput));
            assertThat(tool.statusCode()).isEqualTo(403);
            assertThat(tool.body()).contains("aws_access_key_id").contains("/input/0/output");

            String anthropicToolResult = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                    + "\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\",\"content\":\"-----BEGIN OPENSSH PRIVATE KEY-----\"}]}]}";
            HttpResponse<String> msg = Http.send(g.post("/v1/messages", anthropicToolResult));
            assertThat(msg.statusCode()).isEqualTo(403);
            assertThat(Http.json(msg.body()).path("type").asText()).isEqualTo("error");
            assertThat(msg.body()).contains("private_key");

            assertThat(g.fake.requests()).isEmpty();
            assertThat(g.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow()).errorCode())
                    .isEqualTo("secret_detected");
        }
    }

    @Test
    void redactModeForwardsWithTheSecretReplaced() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "security: { secrets: { mode: redact } }", Map.of())) {
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"tool\",\"tool_call_id\":\"x\",\"content\":\"env: "
                            + GITHUB + " and " + AWS + "\"}]}"));

            assertThat(r.statusCode()).isEqualTo(200);
            String forwarded = g.fake.requests().getLast().bodyText();
            assertThat(forwarded).doesNotContain(GITHUB).doesNotContain(AWS)
                    .contains("env: [REDACTED:github_token] and [REDACTED:aws_access_key_id]");
        }
    }

    @Test
    void allowListAndOffModeLetThrough() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "security: { secrets: { allow: [\"" + AWS + "\"] } }", Map.of())) {
            assertThat(Http.send(g.post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + AWS + "\"}]}"))
                    .statusCode()).isEqualTo(200);
        }
        try (TestGateway g = TestGateway.start(temp, "security: { secrets: { mode: off } }", Map.of())) {
            assertThat(Http.send(g.post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + GITHUB + "\"}]}"))
                    .statusCode()).isEqualTo(200);
            assertThat(g.fake.requests().getLast().bodyText()).contains(GITHUB);
        }
    }

    @Test
    void extraPatternsAreSecretsToo() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "security: { secrets: { extra_patterns: [\"ACME-[0-9]{6}\"] } }",
                Map.of())) {
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"ticket ACME-123456\"}]}"));
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("custom").doesNotContain("ACME-123456");
        }
    }
}
