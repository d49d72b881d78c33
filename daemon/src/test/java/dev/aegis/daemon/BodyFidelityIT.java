package dev.aegis.daemon;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.Tool;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseIncludable;
import dev.aegis.config.SecretsMode;
import dev.aegis.fakeprovider.RecordedRequest;
import dev.aegis.keys.NewKey;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prompt-cache fidelity: a provider caches a prompt by its exact bytes, so whatever a client sends
 * on a same-protocol route reaches the provider byte for byte (key order, whitespace, number
 * spelling, string escapes, unknown fields, {@code cache_control}), on every route of that protocol,
 * except for the rewrites docs/ROUTES.md lists ("What Aegis changes in a body"). For each rewrite
 * the expected bytes are the sent bytes with exactly that edit spliced in, and the provider's bytes
 * must equal them.
 *
 * <p>Bodies: what the official SDKs (openai-java, anthropic-java) send, captured at the fake
 * provider; and recorded-style Codex CLI ({@code /v1/responses}) and Claude Code
 * ({@code /v1/messages}, {@code count_tokens}) bodies under {@code src/test/resources/fidelity/}.
 */
class BodyFidelityIT {

    /** Every route of each protocol, by the path the provider is called on. */
    private static final Map<String, List<String>> ROUTES = new LinkedHashMap<>();

    static {
        ROUTES.put("/v1/chat/completions", List.of("/v1/chat/completions", "/openai/v1/chat/completions",
                "/api/proxy/openai/v1/chat/completions", "/api/proxy/openai", "/api/ai/completion"));
        ROUTES.put("/v1/responses", List.of("/v1/responses", "/openai/v1/responses", "/api/proxy/openai/v1/responses"));
        ROUTES.put("/v1/embeddings", List.of("/v1/embeddings", "/openai/v1/embeddings", "/api/proxy/openai/v1/embeddings"));
        ROUTES.put("/v1/completions", List.of("/v1/completions", "/openai/v1/completions",
                "/api/proxy/openai/v1/completions", "/api/ai/completion"));
        ROUTES.put("/v1/messages", List.of("/v1/messages", "/anthropic/v1/messages"));
        ROUTES.put("/v1/messages/count_tokens", List.of("/v1/messages/count_tokens", "/anthropic/v1/messages/count_tokens"));
    }

    private static final String GITHUB = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
    private static final String AWS = "AKIAIOSFODNN7EXAMPLE";
    /** Below Claude Code's max_tokens (32000), above what a fixture's input is estimated at. */
    private static final long BUDGET = 20_000;

    @TempDir
    static Path temp;

    static TestGateway gateway;
    /** A key with a token budget: every call's output is capped. */
    static String capped;
    /** A key whose secrets mode is redact. */
    static String redacting;

    static String codex;
    static String claudeCode;
    static String claudeCodeCount;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(temp, """
                models:
                  codex-fast: [ { provider: openai, model: gpt-5-codex } ]
                  sonnet: [ { provider: anthropic, model: claude-sonnet-4-5 } ]
                """, Map.of());
        capped = gateway.mintKey(new NewKey("capped", "default", false, List.of(), null, null, null, null, null, BUDGET));
        redacting = gateway.mintKey(new NewKey("redacting", "default", false, List.of(), null, null, null, null, null, null,
                SecretsMode.REDACT));
        codex = fixture("codex-responses.json");
        claudeCode = fixture("claude-code-messages.json");
        claudeCodeCount = fixture("claude-code-count-tokens.json");
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = BodyFidelityIT.class.getResourceAsStream("/fidelity/" + name)) {
            return new String(in.readAllBytes(), UTF_8);
        }
    }

    // ---- bodies that pass unchanged ----

    @Test
    void recordedCodexAndClaudeCodeBodiesReachTheProviderByteForByteOnEveryRoute() throws Exception {
        assertUnchangedOnEveryRoute("/v1/responses", codex);
        assertUnchangedOnEveryRoute("/v1/messages", claudeCode);
        assertUnchangedOnEveryRoute("/v1/messages/count_tokens", claudeCodeCount);
        // An OpenAI-compatible agent's chat body: odd key order, whitespace, escapes, unknown fields.
        assertUnchangedOnEveryRoute("/v1/chat/completions", """
                {
                  "messages" : [ {"content": "caf\\u00e9 \\ud83d\\ude00 \\/ ok", "role": "user", "x_part": {"b": 1, "a": 2}} ],
                  "temperature" : 1.0,  "top_p": 1e0,
                  "model"       : "gpt-4o-mini",
                  "prompt_cache_key": "repo-42",
                  "x_unknown": [12345678901234567890123, -0.0, 2.5E-3, null]
                }
                """);
    }

    @Test
    void officialSdkBodiesReachTheProviderByteForByteOnEveryRoute() throws Exception {
        OpenAIClient openAi = OpenAIOkHttpClient.builder().baseUrl(gateway.fake.baseUrl()).apiKey("fake-upstream-key")
                .maxRetries(0).build();
        AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(gateway.fake.anthropicBaseUrl())
                .apiKey("fake-upstream-key").maxRetries(0).build();
        try {
            byte[] chat = sent(() -> openAi.chat().completions().create(chat()));
            assertThat(new String(chat, UTF_8)).contains("\"prompt_cache_key\":\"session-42\"", "x_unknown_field");
            assertUnchangedOnEveryRoute("/v1/chat/completions", chat);
            assertUnchangedOnEveryRoute("/v1/responses", sent(() -> openAi.responses().create(responses())));
            assertUnchangedOnEveryRoute("/v1/embeddings", sent(() -> openAi.embeddings().create(
                    EmbeddingCreateParams.builder().model("text-embedding-3-small").input("café ☕ 😀").build())));
            assertUnchangedOnEveryRoute("/v1/completions", sent(() -> openAi.completions().create(
                    CompletionCreateParams.builder().model("gpt-3.5-turbo-instruct").prompt("Say hello").maxTokens(16)
                            .build())));
            byte[] messages = sent(() -> anthropic.messages().create(messages()));
            assertThat(new String(messages, UTF_8)).contains("\"cache_control\":{\"type\":\"ephemeral\"}", "x_unknown_field");
            assertUnchangedOnEveryRoute("/v1/messages", messages);
            assertUnchangedOnEveryRoute("/v1/messages/count_tokens", sent(() -> anthropic.messages().countTokens(
                    MessageCountTokensParams.builder().model("claude-sonnet-4-5").systemOfTextBlockParams(system())
                            .addTool(bashTool()).addUserMessage("Rename the café module 😀").build())));
        } finally {
            openAi.close();
            anthropic.close();
        }
    }

    @Test
    void officialSdksPointedAtAegisGetTheirOwnBytesToTheProvider() throws Exception {
        OpenAIClient direct = OpenAIOkHttpClient.builder().baseUrl(gateway.fake.baseUrl()).apiKey("fake-upstream-key")
                .maxRetries(0).build();
        OpenAIClient viaAegis = OpenAIOkHttpClient.builder().baseUrl(gateway.url() + "/v1").apiKey(gateway.clientKey)
                .maxRetries(0).build();
        AnthropicClient anthropicDirect = AnthropicOkHttpClient.builder().baseUrl(gateway.fake.anthropicBaseUrl())
                .apiKey("fake-upstream-key").maxRetries(0).build();
        AnthropicClient anthropicViaAegis = AnthropicOkHttpClient.builder().baseUrl(gateway.url())
                .apiKey(gateway.clientKey).maxRetries(0).build();
        try {
            assertSameBytes("SDK chat", sent(() -> direct.chat().completions().create(chat())),
                    sent(() -> viaAegis.chat().completions().create(chat())));
            assertSameBytes("SDK responses", sent(() -> direct.responses().create(responses())),
                    sent(() -> viaAegis.responses().create(responses())));
            assertSameBytes("SDK messages", sent(() -> anthropicDirect.messages().create(messages())),
                    sent(() -> anthropicViaAegis.messages().create(messages())));
        } finally {
            direct.close();
            viaAegis.close();
            anthropicDirect.close();
            anthropicViaAegis.close();
        }
    }

    @Test
    void passThroughBodiesReachTheProviderByteForByte() throws Exception {
        String jsonLines = "{\"custom_id\": \"a\", \"body\": {\"model\": \"gpt-4o-mini\", \"t\": 1.0}}\n"
                + "{ \"custom_id\" : \"b\" , \"note\": \"caf\\u00e9\" }\n";
        assertSameBytes("/v1/batches", bytes(jsonLines), forwarded("/v1/batches", gateway.clientKey, jsonLines,
                "/v1/batches", 404));
    }

    // ---- the documented rewrites, and nothing else ----

    @Test
    void anAliasOrProviderPrefixRewritesOnlyTheModelString() throws Exception {
        String aliased = codex.replace("\"model\":\"gpt-5-codex\"", "\"model\":\"codex-fast\"");
        assertThat(aliased).isNotEqualTo(codex);
        for (String route : ROUTES.get("/v1/responses")) {
            // A provider prefix (/openai/v1/) names the provider: its model goes as the client wrote it.
            String expected = route.startsWith("/openai/") ? aliased : codex;
            assertSameBytes(route, bytes(expected), forwarded(route, gateway.clientKey, aliased, "/v1/responses", 200));
        }
        String sonnet = claudeCode.replace("\"model\": \"claude-sonnet-4-5\"", "\"model\": \"sonnet\"");
        assertSameBytes("alias", bytes(claudeCode), forwarded("/v1/messages", gateway.clientKey, sonnet, "/v1/messages", 200));
        String prefixed = claudeCode.replace("\"model\": \"claude-sonnet-4-5\"", "\"model\": \"anthropic/claude-sonnet-4-5\"");
        assertSameBytes("provider/ prefix", bytes(claudeCode),
                forwarded("/v1/messages", gateway.clientKey, prefixed, "/v1/messages", 200));
    }

    @Test
    void aChatStreamIsAskedForItsUsageAndNothingElseChanges() throws Exception {
        String[][] cases = {
            // sent stream_options (or none), what the provider must get instead
            {"", "\"stream_options\":{\"include_usage\":true},"},
            {"\"stream_options\" : { \"include_obfuscation\" : false ,\"x\":1.0},",
                "\"stream_options\" : {\"include_usage\":true, \"include_obfuscation\" : false ,\"x\":1.0},"},
            {"\"stream_options\": {\"include_usage\": false, \"x\": 1e3},",
                "\"stream_options\": {\"include_usage\": true, \"x\": 1e3},"},
            {"\"stream_options\": { },", "\"stream_options\": {\"include_usage\":true },"},
            {"\"stream_options\": {\"include_usage\" : null},", "\"stream_options\": {\"include_usage\" : true},"},
            {"\"stream_options\": {\"include_usage\": \"true\"},", "\"stream_options\": {\"include_usage\": true},"},
            {"\"stream_options\" : null,", "\"stream_options\" : {\"include_usage\":true},"},
        };
        for (String[] c : cases) {
            String template = "{%s\n  \"model\" : \"gpt-4o-mini\", \"stream\" : true,\n  \"messages\": [{\"role\": \"user\","
                    + " \"content\": \"caf\\u00e9\"}], \"x_unknown\": [1.0, 1e3]\n}\n";
            String sent = template.formatted(c[0]);
            String expected = template.formatted(c[1]);
            for (String route : ROUTES.get("/v1/chat/completions")) {
                assertSameBytes(route + " " + c[0], bytes(expected),
                        forwarded(route, gateway.clientKey, sent, "/v1/chat/completions", 200));
            }
        }
        // The SDK's own streaming body gets the same one insertion.
        OpenAIClient openAi = OpenAIOkHttpClient.builder().baseUrl(gateway.fake.baseUrl()).apiKey("fake-upstream-key")
                .maxRetries(0).build();
        try {
            String sdk = new String(sent(() -> {
                try (StreamResponse<ChatCompletionChunk> s = openAi.chat().completions().createStreaming(chat())) {
                    s.stream().forEach(chunk -> {});
                }
            }), UTF_8);
            assertThat(sdk).startsWith("{").contains("\"stream\":true").doesNotContain("stream_options");
            String expected = "{\"stream_options\":{\"include_usage\":true}," + sdk.substring(1);
            assertSameBytes("SDK stream", bytes(expected),
                    forwarded("/v1/chat/completions", gateway.clientKey, sdk, "/v1/chat/completions", 200));
        } finally {
            openAi.close();
        }
    }

    @Test
    void anOutputCapRewritesOnlyTheOutputLimit() throws Exception {
        // Claude Code sends max_tokens: its value is lowered in place.
        for (String route : ROUTES.get("/v1/messages")) {
            String got = new String(forwarded(route, capped, claudeCode, "/v1/messages", 200), UTF_8);
            int cap = onlyNumber(got, "\"max_tokens\": (\\d+),");
            assertThat(cap).isPositive().isLessThanOrEqualTo((int) BUDGET);
            assertSameBytes(route, bytes(claudeCode.replace("\"max_tokens\": 32000,", "\"max_tokens\": " + cap + ",")),
                    bytes(got));
        }
        // Codex sends no output limit: one is inserted first, and that is all.
        for (String route : ROUTES.get("/v1/responses")) {
            String got = new String(forwarded(route, capped, codex, "/v1/responses", 200), UTF_8);
            int cap = onlyNumber(got, "^\\{\"max_output_tokens\":(\\d+),");
            assertThat(cap).isPositive().isLessThanOrEqualTo((int) BUDGET);
            assertSameBytes(route, bytes("{\"max_output_tokens\":" + cap + "," + codex.substring(1)), bytes(got));
        }
    }

    @Test
    void anOutputLimitWrittenAsAFloatIsForwardedAsItsInteger() throws Exception {
        String sent = claudeCode.replace("\"max_tokens\": 32000,", "\"max_tokens\": 3.2e4,");
        assertThat(sent).isNotEqualTo(claudeCode);
        for (String route : ROUTES.get("/v1/messages")) {
            assertSameBytes(route, bytes(claudeCode), forwarded(route, gateway.clientKey, sent, "/v1/messages", 200));
        }
    }

    @Test
    void redactionReplacesOnlyTheStringsThatHoldASecret() throws Exception {
        String listing = "\"content\": \"total 8\\ndrwxr-xr-x  2 dev dev 4096 .\\n-rw-r--r--  1 dev dev  220 README.md\"";
        assertThat(claudeCode).contains(listing);
        String sent = claudeCode
                .replace(listing, "\"content\": \"GITHUB_TOKEN=" + GITHUB + "\\nAWS=" + AWS + "\"")
                .replace("\"flag\": null", "\"" + GITHUB + "\": null, \"[REDACTED:github_token]\": 0");
        String expected = claudeCode
                .replace(listing, "\"content\": \"GITHUB_TOKEN=[REDACTED:github_token]\\nAWS=[REDACTED:aws_access_key_id]\"")
                .replace("\"flag\": null", "\"[REDACTED:github_token]#2\": null, \"[REDACTED:github_token]\": 0");
        for (String route : ROUTES.get("/v1/messages")) {
            assertSameBytes(route, bytes(expected), forwarded(route, redacting, sent, "/v1/messages", 200));
        }
        String codexSent = codex.replace("running 2 tests", "running 2 tests with " + GITHUB);
        String codexExpected = codex.replace("running 2 tests", "running 2 tests with [REDACTED:github_token]");
        for (String route : ROUTES.get("/v1/responses")) {
            assertSameBytes(route, bytes(codexExpected), forwarded(route, redacting, codexSent, "/v1/responses", 200));
        }
        // A pass-through body (JSON lines) likewise: only the string with the secret changes.
        String lines = "{\"custom_id\": \"a\", \"note\": \"token " + GITHUB + "\", \"t\": 1.0}\n{ \"custom_id\" : \"b\" }\n";
        assertSameBytes("/v1/batches", bytes(lines.replace(GITHUB, "[REDACTED:github_token]")),
                forwarded("/v1/batches", redacting, lines, "/v1/batches", 404));
    }

    // ---- helpers ----

    private static void assertUnchangedOnEveryRoute(String upstreamPath, String body) throws Exception {
        assertUnchangedOnEveryRoute(upstreamPath, bytes(body));
    }

    private static void assertUnchangedOnEveryRoute(String upstreamPath, byte[] body) throws Exception {
        for (String route : ROUTES.get(upstreamPath)) {
            assertSameBytes(route, body, forwarded(route, gateway.clientKey, new String(body, UTF_8), upstreamPath, 200));
        }
    }

    /** Sends the body to a route and returns the bytes the provider received on {@code upstreamPath}. */
    private static byte[] forwarded(String route, String key, String body, String upstreamPath, int status)
            throws Exception {
        int before = gateway.fake.requests().size();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url() + route))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
        if (upstreamPath.startsWith("/v1/messages")) {
            request.header("anthropic-version", "2023-06-01");
        }
        HttpResponse<String> r = Http.send(request);
        assertThat(r.statusCode()).as(route + ": " + r.body()).isEqualTo(status);
        List<RecordedRequest> seen = gateway.fake.requests();
        assertThat(seen).as(route).hasSize(before + 1);
        assertThat(seen.getLast().path()).as(route).isEqualTo(upstreamPath);
        return seen.getLast().body();
    }

    /** The bytes an SDK call sent to the fake provider (the call's own answer does not matter here). */
    private static byte[] sent(Runnable call) {
        int before = gateway.fake.requests().size();
        try {
            call.run();
        } catch (RuntimeException e) {
            // Only what the SDK sent matters here, not whether it could read the fake's answer.
        }
        List<RecordedRequest> seen = gateway.fake.requests();
        assertThat(seen).hasSize(before + 1);
        return seen.getLast().body();
    }

    private static void assertSameBytes(String what, byte[] expected, byte[] actual) {
        assertThat(new String(actual, UTF_8)).as(what).isEqualTo(new String(expected, UTF_8));
        assertThat(actual).as(what).isEqualTo(expected);
    }

    private static int onlyNumber(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex + " in " + text).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static ChatCompletionCreateParams chat() {
        return ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini")
                .addSystemMessage("You are terse. Café ☕")
                .addUserMessage("What is the weather in Zürich? 😀")
                .temperature(1.0)
                .maxCompletionTokens(256)
                .promptCacheKey("session-42")
                .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                        .name("get_weather")
                        .description("Weather for a city")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .build())
                        .build()).build())
                .putAdditionalBodyProperty("x_unknown_field", JsonValue.from(Map.of("kept", true)))
                .build();
    }

    private static ResponseCreateParams responses() {
        return ResponseCreateParams.builder()
                .model("gpt-4o-mini")
                .instructions("You are a coding agent. Prefer `rg` over grep.")
                .input("Fix the failing test in src/café.rs 😀")
                .promptCacheKey("0199a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b")
                .store(false)
                .addInclude(ResponseIncludable.REASONING_ENCRYPTED_CONTENT)
                .putAdditionalBodyProperty("x_unknown_field", JsonValue.from(List.of(1, 2)))
                .build();
    }

    private static List<TextBlockParam> system() {
        return List.of(TextBlockParam.builder().text("You are Claude Code, Anthropic's official CLI for Claude.")
                .cacheControl(CacheControlEphemeral.builder().build()).build());
    }

    private static Tool bashTool() {
        return Tool.builder().name("Bash").description("Runs a command")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(Tool.InputSchema.Properties.builder().putAdditionalProperty("command",
                                com.anthropic.core.JsonValue.from(Map.of("type", "string"))).build())
                        .required(List.of("command"))
                        .build())
                .cacheControl(CacheControlEphemeral.builder().build())
                .build();
    }

    private static MessageCreateParams messages() {
        return MessageCreateParams.builder()
                .model("claude-sonnet-4-5")
                .maxTokens(1024)
                .systemOfTextBlockParams(system())
                .addTool(bashTool())
                .addUserMessage("Rename the café module 😀")
                .putAdditionalBodyProperty("x_unknown_field", com.anthropic.core.JsonValue.from(Map.of("kept", true)))
                .build();
    }
}
