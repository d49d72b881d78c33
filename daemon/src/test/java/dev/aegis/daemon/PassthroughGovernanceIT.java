package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.config.SecretsMode;
import dev.aegis.fakeprovider.RecordedRequest;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.NewKey;
import dev.aegis.keys.SessionBudget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Paths Aegis does not know (pass-through) are governed: paths are matched decoded and normalised
 * (ambiguous encodings refused), pass-through bodies are scanned for secrets, limited keys reach only
 * {@code passthrough.allow}, and {@code /api/proxy/openai/<path>} is the provider's origin + path.
 */
class PassthroughGovernanceIT {

    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":10,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String GITHUB = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
    private static final String AWS = "AKIAIOSFODNN7EXAMPLE";

    @TempDir
    static Path temp;

    static TestGateway gateway;
    /** $0.01 of credits: the key from the issue. */
    static String creditKey;
    /** Limited to one model. */
    static String modelsKey;
    /** A token budget of its own. */
    static String budgetKey;
    /** A token budget per coding-agent session, nothing else. */
    static String sessionKey;
    /** No limits at all. */
    static String openKey;
    /** No limits, secrets redacted. */
    static String redactKey;
    /** No limits but one request a minute. */
    static String rpmKey;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(temp);
        creditKey = gateway.mintKey(new NewKey("credits", "default", false, List.of(), null, null, null,
                new BigDecimal("0.01")));
        modelsKey = gateway.mintKey(new NewKey("models", "default", false, List.of("gpt-4o-mini"), null, null, null, null));
        budgetKey = gateway.mintKey(new NewKey("budget", "default", false, List.of(), null, null, null, null, null, 100_000L));
        sessionKey = gateway.mintKey(new NewKey("session", "default", false, List.of(), null, null, null, null, null, null,
                null, false, SessionBudget.of(100_000L, null)));
        openKey = gateway.mintKey(new NewKey("open", "default", false, List.of(), null, null, null, null));
        redactKey = gateway.mintKey(new NewKey("redact", "default", false, List.of(), null, null, null, null, null, null,
                SecretsMode.REDACT));
        rpmKey = gateway.mintKey(new NewKey("rpm", "default", false, List.of(), 1, null, null, null));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    // ---- paths: decoded and normalised before matching ------------------------------------------

    @Test
    void anEncodedChatPathIsServedAsChatCompletionsScannedAndBilled() throws Exception {
        int seen = gateway.fake.requests().size();
        double counted = chatCompletionsCounted();
        Raw r = Raw.send(gateway, "POST", "/v1/chat/%63ompletions", creditKey, "application/json", CHAT);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(newRequests(seen)).extracting(RecordedRequest::path).containsExactly("/v1/chat/completions");
        UsageRowView row = gateway.awaitUsage(r.header("x-request-id"));
        assertThat(row.model()).isEqualTo("gpt-4o-mini");
        assertThat(row.costNanos()).isPositive();
        assertThat(row.route()).isEqualTo("/v1/chat/completions");
        // Counted under the route it is, whichever spelling or mount served it.
        Raw viaOrigin = Raw.send(gateway, "POST", "/api/proxy/openai/v1/chat/%63ompletions", creditKey, "application/json", CHAT);
        assertThat(gateway.awaitUsage(viaOrigin.header("x-request-id")).route()).isEqualTo("/api/proxy/openai/v1/chat/completions");
        assertThat(chatCompletionsCounted()).isEqualTo(counted + 2);

        String withSecret = CHAT.replace("\"hi\"", "\"token " + GITHUB + "\"");
        Raw blocked = Raw.send(gateway, "POST", "/v1/chat/%63ompletions", openKey, "application/json", withSecret);
        assertThat(blocked.status()).isEqualTo(403);
        assertThat(blocked.body()).contains("secret_detected").doesNotContain(GITHUB);
    }

    /** Answered calls counted under the chat completions route in /metrics. */
    private static double chatCompletionsCounted() throws Exception {
        String metrics = Http.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/metrics"))).body();
        return metrics.lines().filter(l -> l.startsWith("aegis_requests_total{") && l.contains("route=\"/v1/chat/completions\"")
                        && l.contains("status=\"200\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void ambiguousPathsAreRefusedBeforeAnyMatching() throws Exception {
        List<String> paths = List.of(
                "/v1/chat%2Fcompletions", "/v1/chat%2fcompletions", "/v1/chat/completions%2F",
                "/v1/%2e%2e/chat/completions", "/v1/chat/%2Ecompletions", "/v1/x/%2E%2E/chat/completions",
                "/v1/chat/./completions", "/v1/files/../chat/completions", "/v1//chat/completions",
                "/v1/chat//completions", "/v1/chat%5Ccompletions", "/openai/v1/chat%2Fcompletions",
                "/anthropic/v1/messages/../messages", "/api/proxy/openai/v1/%2E%2E/v1/chat/completions",
                "/api/proxy/openai//v1/chat/completions", "/v1/chat/%C0%AEcompletions", "/v1/chat/completions%C0");
        int seen = gateway.fake.requests().size();
        for (String path : paths) {
            Raw r = Raw.send(gateway, "POST", path, openKey, "application/json", CHAT);
            assertThat(r.status()).as(path + " -> " + r.body()).isEqualTo(400);
            JsonNode error = Http.json(r.body()).path("error");
            assertThat(error.path("code").asText()).as(path).isEqualTo("invalid_request");
        }
        assertThat(newRequests(seen)).isEmpty();
    }

    @Test
    void aPassThroughPathIsForwardedDecodedAndCanonicallyEncoded() throws Exception {
        int seen = gateway.fake.requests().size();
        Raw r = Raw.send(gateway, "GET", "/v1/%66iles", openKey, null, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(newRequests(seen)).extracting(RecordedRequest::path).containsExactly("/v1/files");
    }

    // ---- background responses: generated after the answer, so not for keys with credits or a budget ----

    @Test
    void keysWithCreditsOrABudgetCannotStartABackgroundResponse() throws Exception {
        String background = "{\"model\":\"gpt-4o-mini\",\"background\":true,\"input\":\"hi\"}";
        int seen = gateway.fake.requests().size();
        for (Raw r : refusedToKeysWithCreditsOrABudget("/v1/responses", background, "background_not_allowed")) {
            assertThat(Http.json(r.body()).path("error").path("code").asText()).isEqualTo("background_not_allowed");
        }

        // A key held only to a model list, and one without limits, may: their spending has no bound to break.
        for (String key : List.of(modelsKey, openKey)) {
            Raw r = Raw.send(gateway, "POST", "/v1/responses", key, "application/json", background);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        assertThat(newRequests(seen)).extracting(RecordedRequest::path).containsExactly("/v1/responses", "/v1/responses");
    }

    @Test
    void keysWithCreditsOrABudgetCannotAskForFastMode() throws Exception {
        String fast = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"speed\":\"fast\",\"messages\":[]}";
        int seen = gateway.fake.requests().size();
        for (Raw r : refusedToKeysWithCreditsOrABudget("/v1/messages", fast, "fast_mode_not_allowed")) {
            assertThat(r.body()).contains("/fast");
        }

        // The standard speed is priced; a key without limits may ask for either.
        Raw standard = Raw.send(gateway, "POST", "/v1/messages", creditKey, "application/json", fast.replace("fast", "standard"));
        Raw open = Raw.send(gateway, "POST", "/v1/messages", openKey, "application/json", fast);
        assertThat(standard.status()).as(standard.body()).isEqualTo(200);
        assertThat(open.status()).as(open.body()).isEqualTo(200);
        assertThat(newRequests(seen)).hasSize(2);
    }

    /**
     * Image generation as a Responses hosted tool is billed apart from the call's tokens: refused to keys with credits
     * or a budget, and held to a model list by the model it runs when it names none (an outside review drew a
     * high-quality image with a key limited to gpt-4o-mini by leaving the tool's model out).
     */
    @Test
    void imageGenerationIsRefusedToKeysWithCreditsOrABudgetAndHeldToAModelList() throws Exception {
        String draw = "{\"model\":\"gpt-4o-mini\",\"input\":\"draw a cat\",\"tools\":[{\"type\":\"function\","
                + "\"name\":\"f\"},{\"type\":\"image_generation\",\"quality\":\"high\"}]}";
        int seen = gateway.fake.requests().size();
        for (Raw r : refusedToKeysWithCreditsOrABudget("/v1/responses", draw, "hosted_tool_not_allowed")) {
            assertThat(r.body()).contains("image_generation");
        }
        Raw models = Raw.send(gateway, "POST", "/v1/responses", modelsKey, "application/json", draw);
        assertThat(models.status()).as(models.body()).isEqualTo(403);
        assertThat(models.body()).contains("model_not_allowed").contains("gpt-image-1");

        // A key without limits may; so may the limited keys without the tool.
        Raw open = Raw.send(gateway, "POST", "/v1/responses", openKey, "application/json", draw);
        assertThat(open.status()).as(open.body()).isEqualTo(200);
        String plain = "{\"model\":\"gpt-4o-mini\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"}]}";
        for (String key : List.of(creditKey, modelsKey)) {
            Raw r = Raw.send(gateway, "POST", "/v1/responses", key, "application/json", plain);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        assertThat(newRequests(seen)).hasSize(3);
    }

    /**
     * Sends the call with each key that has credits or a budget: each is refused with 403 (a
     * {@code permission_error}) and recorded with {@code code}, and nothing reaches the provider.
     */
    private List<Raw> refusedToKeysWithCreditsOrABudget(String path, String body, String code) throws Exception {
        int seen = gateway.fake.requests().size();
        List<Raw> refused = new java.util.ArrayList<>();
        for (String key : List.of(creditKey, budgetKey, sessionKey)) {
            Raw r = Raw.send(gateway, "POST", path, key, "application/json", body);
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(Http.json(r.body()).at("/error/type").asText()).isEqualTo("permission_error");
            assertThat(gateway.awaitUsage(r.header("x-request-id")).errorCode()).isEqualTo(code);
            refused.add(r);
        }
        assertThat(newRequests(seen)).isEmpty();
        return refused;
    }

    // ---- pass-through for limited keys: only passthrough.allow -----------------------------------

    @Test
    void countingAResponsesCallsTokensIsReadLikeTheCallAndFreeForEveryKey() throws Exception {
        int seen = gateway.fake.requests().size();
        String count = "{\"model\":\"gpt-4o-mini\",\"input\":\"hi\"}";
        for (String key : List.of(creditKey, budgetKey, modelsKey, openKey)) {
            Raw r = Raw.send(gateway, "POST", "/v1/responses/input_tokens", key, "application/json", count);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(Http.json(r.body()).path("input_tokens").asInt()).isEqualTo(42);
            UsageRowView row = gateway.awaitUsage(r.header("x-request-id"));
            assertThat(row.modelRequested()).isEqualTo("gpt-4o-mini");
            assertThat(row.costNanos()).isZero();
        }
        assertThat(newRequests(seen)).extracting(RecordedRequest::path).containsOnly("/v1/responses/input_tokens").hasSize(4);

        // Held to the key's model list and scanned, as the call it counts would be.
        Raw otherModel = Raw.send(gateway, "POST", "/v1/responses/input_tokens", modelsKey, "application/json",
                count.replace("gpt-4o-mini", "gpt-5"));
        assertThat(otherModel.status()).isEqualTo(403);
        Raw secret = Raw.send(gateway, "POST", "/v1/responses/input_tokens", openKey, "application/json",
                count.replace("hi", GITHUB));
        assertThat(secret.status()).isEqualTo(403);
        assertThat(secret.body()).contains("secret_detected").doesNotContain(GITHUB);
        assertThat(newRequests(seen)).hasSize(4);
    }

    @Test
    void limitedKeysReachOnlyTheAllowedPassThroughPaths() throws Exception {
        int seen = gateway.fake.requests().size();
        for (String key : List.of(creditKey, modelsKey, budgetKey, sessionKey)) {
            for (String[] call : new String[][] {{"GET", "/v1/files"}, {"POST", "/v1/images/generations"},
                    {"POST", "/v1/batches"}, {"DELETE", "/v1/files/x"}, {"GET", "/openai/v1/files"},
                    {"POST", "/api/proxy/openai/v1/images/generations"}}) {
                String body = call[0].equals("POST") ? "{\"prompt\":\"a cat\"}" : null;
                Raw r = Raw.send(gateway, call[0], call[1], key, body == null ? null : "application/json", body);
                assertThat(r.status()).as(call[0] + " " + call[1] + " -> " + r.body()).isEqualTo(403);
                assertThat(Http.json(r.body()).path("error").path("code").asText()).isEqualTo("passthrough_not_allowed");
                UsageRowView row = gateway.awaitUsage(r.header("x-request-id"));
                assertThat(row.status()).isEqualTo(403);
                assertThat(row.errorCode()).isEqualTo("passthrough_not_allowed");
                assertThat(row.keyId()).isEqualTo(keyId(key));
            }
        }
        assertThat(newRequests(seen)).isEmpty();

        // The default allow-list: GET models*, POST moderations; a HEAD where its GET is allowed.
        Raw model = Raw.send(gateway, "GET", "/v1/models/gpt-4o-mini", creditKey, null, null);
        Raw head = Raw.send(gateway, "HEAD", "/v1/models/gpt-4o-mini", creditKey, null, null);
        Raw moderation = Raw.send(gateway, "POST", "/v1/moderations", modelsKey, "application/json", "{\"input\":\"hi\"}");
        assertThat(model.status()).isNotEqualTo(403);
        assertThat(head.status()).as(head.headers().toString()).isEqualTo(model.status());
        assertThat(moderation.status()).isNotEqualTo(403);
        assertThat(newRequests(seen).stream().map(r -> r.method() + " " + r.path()).toList()).containsExactly(
                "GET /v1/models/gpt-4o-mini", "HEAD /v1/models/gpt-4o-mini", "POST /v1/moderations");
    }

    @Test
    void theModelListIsAegisOwnAnswerHoweverItsPathIsSpelled() throws Exception {
        int seen = gateway.fake.requests().size();
        for (String path : List.of("/v1/%6Dodels", "/v1/mod%65ls", "/api/proxy/openai/v1/%6dodels", "/api/proxy/openai/%761/models")) {
            Raw r = Raw.send(gateway, "GET", path, modelsKey, null, null);
            assertThat(r.status()).as(path + " -> " + r.body()).isEqualTo(200);
            // The key is limited to gpt-4o-mini: the list says so, not the provider's whole catalogue.
            assertThat(Http.json(r.body()).path("data").findValuesAsText("id")).as(path).containsExactly("gpt-4o-mini");
        }
        assertThat(newRequests(seen)).isEmpty();
    }

    @Test
    void theAllowListComesFromTheConfig(@TempDir Path dir) throws Exception {
        try (TestGateway g = TestGateway.start(dir, "passthrough: { allow: [\"GET files*\", \"delete files/*\"] }", Map.of())) {
            String key = g.mintKey(new NewKey("credits", "default", false, List.of(), null, null, null, new BigDecimal("0.01")));
            assertThat(Raw.send(g, "GET", "/v1/files", key, null, null).status()).isEqualTo(200);
            assertThat(Raw.send(g, "DELETE", "/v1/files/x", key, null, null).status()).isNotEqualTo(403);
            Raw moderation = Raw.send(g, "POST", "/v1/moderations", key, "application/json", "{\"input\":\"hi\"}");
            assertThat(moderation.status()).isEqualTo(403);
            assertThat(moderation.body()).contains("passthrough_not_allowed");
            assertThat(g.fake.requests()).extracting(r -> r.method() + " " + r.path())
                    .containsExactly("GET /v1/files", "DELETE /v1/files/x");
        }
    }

    @Test
    void aKeyWithoutLimitsReachesEveryPassThroughPathAndEachCallIsRecorded() throws Exception {
        int seen = gateway.fake.requests().size();
        Raw files = Raw.send(gateway, "GET", "/v1/files", openKey, null, null);
        Raw images = Raw.send(gateway, "POST", "/v1/images/generations", openKey, "application/json", "{\"prompt\":\"a cat\"}");
        assertThat(files.status()).isEqualTo(200);
        assertThat(newRequests(seen).stream().map(r -> r.method() + " " + r.path()).toList()).containsExactly(
                "GET /v1/files", "POST /v1/images/generations");
        UsageRowView row = gateway.awaitUsage(files.header("x-request-id"));
        assertThat(row.route()).isEqualTo("/v1/files");
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.keyId()).isEqualTo(keyId(openKey));
        assertThat(gateway.awaitUsage(images.header("x-request-id")).route()).isEqualTo("/v1/images/generations");
    }

    @Test
    void passThroughCallsCountAgainstRequestRateLimits() throws Exception {
        Raw first = Raw.send(gateway, "GET", "/v1/files", rpmKey, null, null);
        Raw second = Raw.send(gateway, "GET", "/v1/files", rpmKey, null, null);
        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(429);
        assertThat(second.body()).contains("rate_limit_exceeded");
        assertThat(gateway.awaitUsage(second.header("x-request-id")).errorCode()).isEqualTo("rate_limit_exceeded");
    }

    // ---- secrets in pass-through bodies ----------------------------------------------------------

    @Test
    void passThroughBodiesAreScannedForSecrets() throws Exception {
        int seen = gateway.fake.requests().size();
        Raw json = Raw.send(gateway, "POST", "/v1/batches", openKey, "application/json",
                "{\"metadata\":{\"note\":\"token " + GITHUB + "\"}}");
        assertThat(json.status()).isEqualTo(403);
        assertThat(json.body()).contains("secret_detected").contains("github_token").doesNotContain(GITHUB);

        Raw text = Raw.send(gateway, "POST", "/v1/files", openKey, "text/plain", "AWS_KEY=" + AWS + "\n");
        assertThat(text.status()).isEqualTo(403);
        assertThat(text.body()).contains("secret_detected").contains("aws_access_key_id");

        // A JSON body sent as something else is still JSON; JSON lines as text.
        Raw disguised = Raw.send(gateway, "POST", "/v1/batches", openKey, "application/octet-stream",
                "[{\"k\":\"" + GITHUB + "\"}]");
        assertThat(disguised.status()).isEqualTo(403);
        Raw jsonl = Raw.send(gateway, "POST", "/v1/files", openKey, "application/jsonl",
                "{\"a\":1}\n{\"body\":{\"messages\":[{\"content\":\"" + GITHUB + "\"}]}}\n");
        assertThat(jsonl.status()).isEqualTo(403);
        // Object keys are strings of the body too, as on the endpoints Aegis reads.
        Raw inKey = Raw.send(gateway, "POST", "/v1/batches", openKey, "application/json",
                "{\"metadata\":{\"" + GITHUB + "\":1}}");
        assertThat(inKey.status()).isEqualTo(403);
        assertThat(inKey.body()).doesNotContain(GITHUB);
        assertThat(newRequests(seen)).isEmpty();
        assertThat(gateway.awaitUsage(json.header("x-request-id")).errorCode()).isEqualTo("secret_detected");
    }

    @Test
    void aPassThroughBodyInUtf16IsScannedAndNeverForwardedWithASecret() throws Exception {
        int seen = gateway.fake.requests().size();
        for (java.nio.charset.Charset wide : List.of(StandardCharsets.UTF_16, StandardCharsets.UTF_16LE,
                java.nio.charset.Charset.forName("UTF-32LE"))) {
            byte[] body = ("AWS_KEY=" + AWS + "\n").getBytes(wide);
            for (String key : List.of(openKey, redactKey)) {
                Raw r = Raw.sendBytes(gateway, "POST", "/v1/files", key, "text/plain", body);
                assertThat(r.status()).as(wide + " " + r.body()).isEqualTo(403);
                assertThat(r.body()).contains("secret_detected").contains("aws_access_key_id");
            }
            // JSON in UTF-16 is read as text too: its strings are scanned, not skipped as binary.
            Raw json = Raw.sendBytes(gateway, "POST", "/v1/batches", openKey, "application/json",
                    ("{\"note\":\"" + GITHUB + "\"}").getBytes(wide));
            assertThat(json.status()).as(wide.name()).isEqualTo(403);
        }
        assertThat(newRequests(seen)).isEmpty();

        byte[] clean = "nothing secret here\n".getBytes(StandardCharsets.UTF_16LE);
        Raw passed = Raw.sendBytes(gateway, "POST", "/v1/files", redactKey, "text/plain", clean);
        assertThat(passed.status()).isNotEqualTo(403);
        assertThat(newRequests(seen)).singleElement().satisfies(r -> assertThat(r.body()).isEqualTo(clean));
    }

    @Test
    void passThroughBodiesAreRedactedBeforeForwardingInRedactMode() throws Exception {
        int seen = gateway.fake.requests().size();
        Raw json = Raw.send(gateway, "POST", "/v1/batches", redactKey, "application/json",
                "{\"metadata\":{\"note\":\"token " + GITHUB + "\"}}");
        Raw text = Raw.send(gateway, "POST", "/v1/files", redactKey, "text/plain", "AWS_KEY=" + AWS + "\n");
        assertThat(json.status()).isNotEqualTo(403);
        assertThat(text.status()).isNotEqualTo(403);
        List<RecordedRequest> sent = newRequests(seen);
        assertThat(sent).hasSize(2);
        assertThat(Http.json(sent.get(0).bodyText()).path("metadata").path("note").asText())
                .isEqualTo("token [REDACTED:github_token]");
        assertThat(sent.get(1).bodyText()).isEqualTo("AWS_KEY=[REDACTED:aws_access_key_id]\n");
    }

    // ---- /api/proxy/openai/<path> = the provider's origin + /<path> ------------------------------

    @Test
    void codexThroughTheTerragonProxyPathReachesV1Responses() throws Exception {
        int seen = gateway.fake.requests().size();
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"input\":[{\"type\":\"message\",\"role\":\"user\","
                + "\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}]}";
        HttpResponse<String> r = Http.send(HttpRequest.newBuilder(
                        URI.create(gateway.url() + "/api/proxy/openai/v1/responses"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-Daemon-Token", creditKey)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("response.completed");
        assertThat(newRequests(seen)).extracting(RecordedRequest::path).containsExactly("/v1/responses");
        UsageRowView row = gateway.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(row.route()).isEqualTo("/api/proxy/openai/v1/responses");
        assertThat(row.costNanos()).isPositive();
    }

    @Test
    void modelsAndNonChatPathsUnderTheTerragonProxyPath() throws Exception {
        int seen = gateway.fake.requests().size();
        HttpResponse<String> models = Http.send(HttpRequest.newBuilder(
                        URI.create(gateway.url() + "/api/proxy/openai/v1/models"))
                .header("X-Daemon-Token", modelsKey).GET());
        assertThat(models.statusCode()).as(models.body()).isEqualTo(200);
        // Answered by Aegis, as GET /v1/models: the key's own model list.
        JsonNode ids = Http.json(models.body()).path("data");
        assertThat(ids.findValuesAsText("id")).containsExactly("gpt-4o-mini");

        Raw files = Raw.send(gateway, "GET", "/api/proxy/openai/v1/files", openKey, null, null);
        assertThat(files.status()).as(files.body()).isEqualTo(200);
        Raw bare = Raw.send(gateway, "POST", "/api/proxy/openai", openKey, "application/json", CHAT);
        assertThat(bare.status()).isEqualTo(200);
        assertThat(newRequests(seen)).extracting(RecordedRequest::path)
                .containsExactly("/v1/files", "/v1/chat/completions");

        // Outside the provider's API version there is nothing to reach: 404, nothing forwarded.
        Raw unversioned = Raw.send(gateway, "POST", "/api/proxy/openai/chat/completions", openKey, "application/json", CHAT);
        assertThat(unversioned.status()).isEqualTo(404);
        assertThat(Http.json(unversioned.body()).path("error").path("code").asText()).isEqualTo("not_found");
        assertThat(newRequests(seen)).hasSize(2);
    }

    // ---- self-documentation ----------------------------------------------------------------------

    @Test
    void theJsonHomePageListsEveryRoute() throws Exception {
        HttpResponse<String> r = Http.get(gateway.url() + "/", "application/json");
        List<String> listed = new ArrayList<>();
        for (JsonNode route : Http.json(r.body()).path("routes")) {
            listed.add(route.path("method").asText() + " " + route.path("path").asText());
        }
        assertThat(String.join("\n", listed)).contains(
                "POST /api/ai/completion", "GET /v1/models", "POST /auth/token", "GET /healthz", "GET /aegis/v1/events",
                "GET /metrics", "OPTIONS *", "/api/proxy/openai", "GET /aegis/v1/status", "GET /api/prompt-log");
        String proxy = Http.json(r.body()).path("routes").findValues("what").toString();
        assertThat(proxy).doesNotContain("same as /v1/<path>");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static List<RecordedRequest> newRequests(int seen) {
        List<RecordedRequest> all = gateway.fake.requests();
        return all.subList(seen, all.size());
    }

    private static String keyId(String key) {
        return ApiKeys.parse(key).orElseThrow().id();
    }

    /** One request over a plain socket, so that the path reaches the daemon exactly as written. */
    record Raw(int status, Map<String, String> headers, String body) {

        private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        static Raw send(TestGateway g, String method, String path, String key, String contentType, String body)
                throws IOException {
            return sendBytes(g, method, path, key, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        }

        static Raw sendBytes(TestGateway g, String method, String path, String key, String contentType, byte[] body)
                throws IOException {
            byte[] bytes = body == null ? new byte[0] : body;
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:"
                    + g.state().port() + "\r\nConnection: close\r\nAuthorization: Bearer " + key + "\r\n");
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Length: ").append(bytes.length).append("\r\n");
            }
            head.append("\r\n");
            try (Socket s = new Socket("127.0.0.1", g.state().port())) {
                s.setSoTimeout(30_000);
                OutputStream out = s.getOutputStream();
                out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.flush();
                return parse(s.getInputStream().readAllBytes());
            }
        }

        private static Raw parse(byte[] answer) throws IOException {
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            Matcher m = STATUS.matcher(lines[0] + " ");
            if (!m.lookingAt()) {
                throw new IOException("not an HTTP answer: " + lines[0]);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
            byte[] rest = java.util.Arrays.copyOfRange(answer, end + 4, answer.length);
            byte[] body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? dechunk(rest) : rest;
            return new Raw(Integer.parseInt(m.group(1)), headers, new String(body, StandardCharsets.UTF_8));
        }

        private static byte[] dechunk(byte[] chunked) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = 0;
            while (at < chunked.length) {
                int lineEnd = at;
                while (chunked[lineEnd] != '\r') {
                    lineEnd++;
                }
                String size = new String(chunked, at, lineEnd - at, StandardCharsets.US_ASCII).split(";")[0].strip();
                int n = Integer.parseInt(size, 16);
                if (n == 0) {
                    break;
                }
                out.write(chunked, lineEnd + 2, n);
                at = lineEnd + 2 + n + 2;
            }
            return out.toByteArray();
        }
    }
}
