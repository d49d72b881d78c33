package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.config.SecretsMode;
import dev.aegis.keys.NewKey;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
    void aSecretInThePathOrQueryIsRefusedInEveryModeAndNeverRecorded() throws Exception {
        for (String mode : new String[] {"block", "redact"}) {
            try (TestGateway g = TestGateway.start(temp.resolve(mode), "security: { secrets: { mode: " + mode + " } }", Map.of())) {
                for (String address : new String[] {"/v1/files/" + GITHUB, "/v1/files/x?token=" + AWS,
                        "/v1/files/%41" + AWS.substring(1), "/v1/chat/completions?k=" + GITHUB}) {
                    HttpResponse<String> r = Http.send(g.post(address, "{\"model\":\"gpt-4o-mini\",\"messages\":[]}"));
                    assertThat(r.statusCode()).as(mode + " " + address).isEqualTo(403);
                    assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("secret_detected");
                    assertThat(r.body()).doesNotContain(GITHUB).doesNotContain(AWS.substring(1));
                    String route = g.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow()).route();
                    assertThat(route).as(address).doesNotContain(GITHUB).doesNotContain(AWS.substring(1));
                }
                assertThat(g.fake.requests()).isEmpty();
            }
        }
    }

    @Test
    void aSecretInAForwardedHeaderIsRefusedInEveryModeAndNeverSent() throws Exception {
        for (String mode : new String[] {"block", "redact"}) {
            try (TestGateway g = TestGateway.start(temp.resolve(mode), "security: { secrets: { mode: " + mode + " } }", Map.of())) {
                for (String route : new String[] {"/v1/chat/completions", "/v1/files"}) {
                    for (String[] header : new String[][] {{"X-Note", GITHUB}, {"X-Foo", "k=" + AWS}, {"X-" + AWS, "1"},
                            {"X-Backup-Key", g.clientKey}, {"X-Escaped", "%41" + AWS.substring(1)}}) {
                        HttpResponse<String> r = Http.send(g.post(route, "{\"model\":\"gpt-4o-mini\",\"messages\":[]}")
                                .setHeader(header[0], header[1]));
                        assertThat(r.statusCode()).as(mode + " " + route + " " + header[0]).isEqualTo(403);
                        assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("secret_detected");
                        assertThat(r.body()).contains("a request header holds a secret")
                                .doesNotContain(GITHUB).doesNotContain(AWS.substring(1));
                        UsageRowView row = g.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow());
                        assertThat(row.errorCode()).isEqualTo("secret_detected");
                        if (route.equals("/v1/chat/completions")) {
                            assertThat(row.modelRequested()).as("recorded with the model it asked for").isEqualTo("gpt-4o-mini");
                        }
                    }
                }
                assertThat(g.fake.requests()).isEmpty();
                // The headers clients send every call go through.
                HttpResponse<String> ok = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[]}")
                        .setHeader("X-Stainless-Lang", "java").setHeader("session-id", "0199a2b3-7c4d-7e8f-9a0b-1c2d3e4f5a6b")
                        .setHeader("User-Agent", "codex_cli_rs/0.63.0 (Debian 12; x86_64)"));
                assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            }
        }
    }

    @Test
    void aSecretInADocumentSentAsBase64IsRefusedInEveryMode() throws Exception {
        java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
        String env = "AWS_ACCESS_KEY_ID=" + AWS + "\n";
        List<String> documents = List.of(
                base64.encodeToString(env.getBytes(StandardCharsets.UTF_8)),
                java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(("token: " + GITHUB + " ??>>").getBytes(StandardCharsets.UTF_8)),
                base64.encodeToString(("\u0001" + env).getBytes(StandardCharsets.UTF_8)), // a stray control character
                base64.encodeToString(("# Configuración\n" + env).getBytes(StandardCharsets.ISO_8859_1)), // Latin-1
                base64.encodeToString(("\uFEFF" + env).getBytes(StandardCharsets.UTF_16LE)), // UTF-16 with its mark
                base64.encodeToString(env.getBytes(StandardCharsets.UTF_16BE)), // UTF-16 without
                base64.encodeToString(env.getBytes(StandardCharsets.UTF_8)).replaceAll("(.{8})", "$1 "), // spaced
                // A PDF's text stream, which the provider reads out of it.
                base64.encodeToString(("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Length 44 >>\nstream\nBT (" + env
                        + ") Tj ET\nendstream\nendobj\n").getBytes(StandardCharsets.ISO_8859_1)));
        String png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
        String clean = base64.encodeToString("just some notes about the build, nothing secret".getBytes(StandardCharsets.UTF_8));
        for (String mode : new String[] {"block", "redact"}) {
            try (TestGateway g = TestGateway.start(temp.resolve(mode), "security: { secrets: { mode: " + mode + " } }", Map.of())) {
                String document = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":["
                        + "{\"type\":\"document\",\"source\":{\"type\":\"base64\",\"media_type\":\"text/plain\",\"data\":\"%s\"}}]}]}";
                String file = "{\"model\":\"gpt-4o-mini\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\","
                        + "\"filename\":\"a.txt\",\"file_data\":\"%s\"}]}]}";
                List<String[]> calls = new java.util.ArrayList<>();
                for (String d : documents) {
                    calls.add(new String[] {"/v1/messages", document.formatted(d)});
                }
                calls.add(new String[] {"/v1/responses", file.formatted("data:text/plain;base64," + documents.getFirst())});
                calls.add(new String[] {"/v1/responses", file.formatted("DATA:TEXT/PLAIN;BASE64," + documents.getFirst())});
                for (String[] call : calls) {
                    HttpResponse<String> r = Http.send(g.post(call[0], call[1]));
                    assertThat(r.statusCode()).as(mode + " " + call[1]).isEqualTo(403);
                    assertThat(r.body()).doesNotContain(AWS).doesNotContain(GITHUB);
                    if (mode.equals("redact")) {
                        assertThat(r.body()).as("nowhere to redact it").contains("in base64");
                    }
                }
                assertThat(g.fake.requests()).isEmpty();
                // An image, and a document without a secret, go through.
                assertThat(Http.send(g.post("/v1/messages", document.formatted(png))).statusCode()).isEqualTo(200);
                assertThat(Http.send(g.post("/v1/responses", file.formatted("data:text/plain;base64," + clean))).statusCode())
                        .isEqualTo(200);
            }
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

    private static NewKey keyWithSecrets(String name, SecretsMode mode) {
        return new NewKey(name, "default", false, List.of(), null, null, null, null, null, null, mode);
    }

    private static String chatWith(String text) {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    private static HttpResponse<String> call(TestGateway g, String key, String body) throws Exception {
        return Http.send(g.post("/v1/chat/completions", body).setHeader("Authorization", "Bearer " + key));
    }

    private static String requestId(HttpResponse<String> r) {
        return r.headers().firstValue("X-Request-Id").orElseThrow();
    }

    /** The usage row's secret_findings, once the row is written. */
    private static String findings(TestGateway g, String requestId) throws Exception {
        return usageColumn(g, requestId, "secret_findings");
    }

    /** One column of a call's usage row, once the row is written. */
    private static String usageColumn(TestGateway g, String requestId, String column) throws Exception {
        g.awaitUsage(requestId);
        return g.db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM usage WHERE request_id = ?")) {
                ps.setString(1, requestId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }

    /** The receipt of a call, read once the gateway is closed (which writes every receipt). */
    private static JsonNode receipt(Path home, String requestId) throws IOException {
        try (Stream<Path> files = Files.list(home.resolve("receipts"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    JsonNode r = Http.json(line);
                    if (r.path("id").asText().equals(requestId)) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("no receipt for " + requestId);
    }

    /** Every byte Aegis wrote in its home (database and its journal, receipts, keys), as Latin-1 text. */
    private static String everythingWritten(Path home) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return all.toString();
    }

    @Test
    void aKeysOwnRedactModeOverridesAConfiguredBlock() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            String redacting = g.mintKey(keyWithSecrets("redacting", SecretsMode.REDACT));
            HttpResponse<String> r = call(g, redacting, chatWith("token " + GITHUB));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(g.fake.requests().getLast().bodyText()).doesNotContain(GITHUB).contains("token [REDACTED:github_token]");
            assertThat(call(g, g.clientKey, chatWith("token " + GITHUB)).statusCode()).as("a key without its own mode")
                    .isEqualTo(403);
        }
    }

    @Test
    void aKeysOwnBlockModeOverridesAConfiguredRedact() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "security: { secrets: { mode: redact } }", Map.of())) {
            String blocking = g.mintKey(keyWithSecrets("blocking", SecretsMode.BLOCK));
            HttpResponse<String> r = call(g, blocking, chatWith("token " + GITHUB));

            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("secret_detected");
            assertThat(g.fake.requests()).isEmpty();

            String off = g.mintKey(keyWithSecrets("off", SecretsMode.OFF));
            assertThat(call(g, off, chatWith("token " + GITHUB)).statusCode()).isEqualTo(200);
            assertThat(g.fake.requests().getLast().bodyText()).contains(GITHUB);
        }
    }

    @Test
    void redactedAndBlockedCallsRecordKindsAndCountsButNeverTheSecrets() throws Exception {
        Path home;
        String redactedId;
        String blockedId;
        try (TestGateway g = TestGateway.start(temp)) {
            home = g.homeDir;
            String redacting = g.mintKey(keyWithSecrets("redacting", SecretsMode.REDACT));
            String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"a " + AWS
                    + " b " + GITHUB + "\"},{\"role\":\"tool\",\"tool_call_id\":\"t\",\"content\":\"AWS=" + AWS
                    + "\"}]}";
            HttpResponse<String> redacted = call(g, redacting, body);
            assertThat(redacted.statusCode()).isEqualTo(200);
            redactedId = requestId(redacted);
            HttpResponse<String> blocked = call(g, g.clientKey, body);
            assertThat(blocked.statusCode()).isEqualTo(403);
            blockedId = requestId(blocked);
            HttpResponse<String> clean = call(g, g.clientKey, chatWith("nothing to see"));

            assertThat(findings(g, redactedId)).isEqualTo("{\"aws_access_key_id\":2,\"github_token\":1}");
            assertThat(findings(g, blockedId)).isEqualTo("{\"aws_access_key_id\":2,\"github_token\":1}");
            assertThat(usageColumn(g, blockedId, "model_requested")).as("a blocked call names the model it asked for")
                    .isEqualTo("gpt-4o-mini");
            assertThat(findings(g, requestId(clean))).isNull();
            assertThat(Http.get(g.url() + "/metrics", "text/plain").body())
                    .containsPattern("aegis_secrets_found_total\\{kind=\"aws_access_key_id\",?} 4\\.0")
                    .containsPattern("aegis_secrets_found_total\\{kind=\"github_token\",?} 2\\.0");
        }
        for (String id : List.of(redactedId, blockedId)) {
            JsonNode secrets = receipt(home, id).path("secrets");
            assertThat(secrets.path("aws_access_key_id").asInt()).as(id).isEqualTo(2);
            assertThat(secrets.path("github_token").asInt()).as(id).isEqualTo(1);
            assertThat(secrets.size()).isEqualTo(2);
        }
        assertThat(everythingWritten(home)).doesNotContain(AWS).doesNotContain(GITHUB);
    }

    @Test
    void aSecretSentAsTheModelIsNeverWrittenDown() throws Exception {
        Path home;
        try (TestGateway g = TestGateway.start(temp)) {
            home = g.homeDir;
            String body = "{\"model\":\"" + GITHUB + "\",\"messages\":[]}";
            HttpResponse<String> blocked = call(g, g.clientKey, body);
            assertThat(blocked.statusCode()).isEqualTo(403);
            assertThat(blocked.body()).contains("github_token").doesNotContain(GITHUB);
            assertThat(usageColumn(g, requestId(blocked), "model_requested")).isEqualTo("[REDACTED:github_token]");

            HttpResponse<String> redacted = call(g, g.mintKey(keyWithSecrets("redacting", SecretsMode.REDACT)), body);
            assertThat(redacted.body()).doesNotContain(GITHUB);
            assertThat(usageColumn(g, requestId(redacted), "model_requested")).isEqualTo("[REDACTED:github_token]");
            assertThat(g.fake.requests()).allSatisfy(r -> assertThat(r.bodyText()).doesNotContain(GITHUB));
        }
        assertThat(everythingWritten(home)).doesNotContain(GITHUB);
    }

    private static final String OPENAI = "sk-proj-aB3_aB3_aB3_aB3_aB3_aB3_aB3_aB3_aB3_aB3_aB3_aB3_";
    private static final String OPENAI_2 = "sk-proj-Zz9-Zz9-Zz9-Zz9-Zz9-Zz9-Zz9-Zz9-Zz9-Zz9-Zz9-Zz9-";

    @Test
    void aSecretInAnObjectKeyIsBlockedWithoutNamingIt() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            HttpResponse<String> nested = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\","
                    + "\"metadata\":{\"" + OPENAI + "\":1},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
            assertThat(nested.statusCode()).as(nested.body()).isEqualTo(403);
            assertThat(Http.json(nested.body()).at("/error/code").asText()).isEqualTo("secret_detected");
            assertThat(Http.json(nested.body()).at("/error/message").asText()).contains("openai_api_key")
                    .contains("a key of /metadata");
            assertThat(nested.body()).doesNotContain(OPENAI).doesNotContain("aB3_aB3");

            HttpResponse<String> topLevel = Http.send(g.post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"" + GITHUB + "\":true,\"messages\":[]}"));
            assertThat(topLevel.statusCode()).isEqualTo(403);
            assertThat(topLevel.body()).contains("github_token").doesNotContain(GITHUB);
            assertThat(g.fake.requests()).isEmpty();
        }
    }

    @Test
    void aKnownPrefixRightAfterAnUnderscoreOrDashIsASecret() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            for (String text : List.of("KEY_" + OPENAI, "my-" + GITHUB, "export TOKEN_" + AWS)) {
                HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", chatWith(text)));
                assertThat(r.statusCode()).as(text).isEqualTo(403);
                assertThat(r.body()).as(text).doesNotContain(text.substring(text.length() - 16));
            }
            assertThat(g.fake.requests()).isEmpty();
            // prose that only looks like it stays clean: a letter before the prefix still joins the word
            assertThat(Http.send(g.post("/v1/chat/completions",
                    chatWith("risk-averse-planning-document-number-0000000000 and task-runner-0123456789abcdef0123456789abcdef")))
                    .statusCode()).isEqualTo(200);
        }
    }

    @Test
    void redactModeReplacesSecretKeysAndKeepsTheObjectValid() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "security: { secrets: { mode: redact } }", Map.of())) {
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\","
                    + "\"metadata\":{\"" + OPENAI + "\":\"first\",\"" + OPENAI_2 + "\":\"second\",\"plain\":\"kept\"},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"KEY_" + OPENAI + "\"}]}"));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            String forwarded = g.fake.requests().getLast().bodyText();
            assertThat(forwarded).doesNotContain("aB3_aB3").doesNotContain("Zz9-Zz9");
            JsonNode sent = Http.json(forwarded);
            JsonNode metadata = sent.path("metadata");
            assertThat(metadata.path("[REDACTED:openai_api_key]").asText()).isEqualTo("first");
            assertThat(metadata.path("[REDACTED:openai_api_key]#2").asText()).isEqualTo("second");
            assertThat(metadata.path("plain").asText()).isEqualTo("kept");
            assertThat(metadata.size()).isEqualTo(3);
            assertThat(sent.at("/messages/0/content").asText()).isEqualTo("KEY_[REDACTED:openai_api_key]");
        }
    }

    @Test
    void aCatastrophicExtraPatternIsAnsweredPromptlyAndBlocks() throws Exception {
        // ((a+)+)+$ backtracks exponentially on a run of a's that does not end the text
        try (TestGateway g = TestGateway.start(temp,
                "security: { secrets: { extra_patterns: [\"ACME-[0-9]{6}\", \"((a+)+)+$\"] } }", Map.of())) {
            String hostile = "a".repeat(5_000) + "b";
            long start = System.nanoTime();
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", chatWith(hostile))
                    .timeout(java.time.Duration.ofSeconds(15)));
            assertThat(System.nanoTime() - start).as("answered within 5 s").isLessThan(5_000_000_000L);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
            assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("secret_detected");
            assertThat(r.body()).contains("custom").doesNotContain(hostile);
            assertThat(g.fake.requests()).isEmpty();

            // a clean prompt still passes the same patterns
            assertThat(Http.send(g.post("/v1/chat/completions", chatWith("nothing here"))).statusCode()).isEqualTo(200);
        }
    }
}
