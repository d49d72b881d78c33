package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.auth.JwtTokens;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.NewKey;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every accepted way to present a key, and every rejection, through a real daemon. */
class AuthIT {

    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}";

    @TempDir
    static Path temp;

    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(temp);
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    private static HttpRequest.Builder call(String path, String body) {
        return HttpRequest.newBuilder(URI.create(gateway.url() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static int status(HttpRequest.Builder request) throws Exception {
        return Http.send(request).statusCode();
    }

    private static String token(String key) throws Exception {
        HttpResponse<String> r = Http.send(call("/auth/token", "{\"apiKey\":\"" + key + "\"}"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Http.json(r.body());
        assertThat(body.path("expires_in").asLong()).isEqualTo(900);
        return body.path("token").asText();
    }

    @Test
    void everyAcceptedHeaderWorks() throws Exception {
        String key = gateway.clientKey;
        assertThat(status(call("/v1/chat/completions", CHAT).header("Authorization", "Bearer " + key))).isEqualTo(200);
        assertThat(status(call("/v1/chat/completions", CHAT).header("authorization", "bearer " + key))).isEqualTo(200);
        assertThat(status(call("/v1/chat/completions", CHAT).header("x-api-key", key))).isEqualTo(200);
        assertThat(status(call("/v1/chat/completions", CHAT).header("X-API-Key", key))).isEqualTo(200);
        assertThat(status(call("/v1/chat/completions", CHAT).header("X-Daemon-Token", key))).isEqualTo(200);
        assertThat(status(call("/v1/chat/completions", CHAT).header("Authorization", "Bearer " + token(key))))
                .isEqualTo(200);
    }

    @Test
    void twoHeadersAtOnceWorkWhenOneHoldsTheKey() throws Exception {
        assertThat(status(call("/v1/chat/completions", CHAT)
                        .header("Authorization", "Bearer sk-ant-not-an-aegis-key")
                        .header("x-api-key", gateway.clientKey)))
                .isEqualTo(200);
        assertThat(status(call("/v1/chat/completions", CHAT)
                        .header("Authorization", "Bearer " + gateway.clientKey)
                        .header("x-api-key", gateway.clientKey)))
                .isEqualTo(200);
    }

    @Test
    void rejectionsAre401InTheRoutesDialectAndNeverEchoTheKey() throws Exception {
        String revoked = gateway.mintKey(newKey(List.of(), null));
        gateway.keyStore.revoke(ApiKeys.parse(revoked).orElseThrow().id());
        String expired = gateway.mintKey(newKey(List.of(), Instant.now().minusSeconds(5)));
        String unknown = ApiKeys.mint().key();
        String wrongSecret = gateway.clientKey.substring(0, gateway.clientKey.length() - 4) + "AAAA";
        String expiredJwt = JwtTokens.fromFile(gateway.homeDir.resolve("keys/jwt.secret"),
                        InstantSource.fixed(Instant.now().minus(Duration.ofHours(1))))
                .issue(ApiKeys.parse(gateway.clientKey).orElseThrow().id());
        String validJwt = token(gateway.clientKey);
        String[] parts = validJwt.split("\\.");
        String tamperedJwt = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        String noneJwt = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
        String hs512Jwt = b64("{\"alg\":\"HS512\",\"typ\":\"JWT\"}") + "." + parts[1] + "." + parts[2];

        for (String bad : List.of("hello", unknown, wrongSecret, revoked, expired, expiredJwt, tamperedJwt, noneJwt,
                hs512Jwt)) {
            HttpResponse<String> openai = Http.send(call("/v1/chat/completions", CHAT).header("Authorization", "Bearer " + bad));
            assertThat(openai.statusCode()).as(bad).isEqualTo(401);
            assertThat(Http.json(openai.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");
            assertThat(openai.body()).doesNotContain(bad);

            HttpResponse<String> anthropic = Http.send(call("/v1/messages", "{\"model\":\"m\"}").header("x-api-key", bad));
            assertThat(anthropic.statusCode()).isEqualTo(401);
            assertThat(Http.json(anthropic.body()).path("type").asText()).isEqualTo("error");
            assertThat(Http.json(anthropic.body()).at("/error/type").asText()).isEqualTo("authentication_error");
            assertThat(anthropic.body()).doesNotContain(bad);
        }
        HttpResponse<String> missing = Http.send(call("/v1/responses", CHAT));
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body()).contains("aegis keygen");
    }

    @Test
    void aHeadIsAnsweredAsItsGetIsWithoutTheBody() throws Exception {
        String key = gateway.clientKey;
        for (String path : List.of("/v1/models", "/aegis/v1/usage", "/api/costs", "/v1/chat/completions", "/v1/files",
                "/openai/v1/models", "/api/proxy/openai/v1/models", "/ui/api/me", "/ui/api/summary", "/healthz")) {
            for (String presented : new String[] {null, key}) {
                HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(gateway.url() + path)).GET();
                HttpRequest.Builder head = HttpRequest.newBuilder(URI.create(gateway.url() + path))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody());
                if (presented != null) {
                    get.header("Authorization", "Bearer " + presented);
                    head.header("Authorization", "Bearer " + presented);
                }
                HttpResponse<String> asGet = Http.send(get);
                HttpResponse<String> asHead = Http.send(head);
                String what = "HEAD " + path + (presented == null ? " without a key" : " with a key");
                // Javalin alone answered 200 to any HEAD whose path a GET route matches, key or none.
                assertThat(asHead.statusCode()).as(what).isEqualTo(asGet.statusCode());
                assertThat(asHead.body()).as(what).isEmpty();
                if (presented == null && !path.equals("/healthz")) {
                    assertThat(asHead.statusCode()).as(what).isEqualTo(401);
                }
            }
        }
    }

    @Test
    void tokenRouteRefusesBadInput() throws Exception {
        assertThat(status(call("/auth/token", "{\"apiKey\":\"" + ApiKeys.mint().key() + "\"}"))).isEqualTo(401);
        assertThat(status(call("/auth/token", "not json"))).isEqualTo(400);
        assertThat(status(call("/auth/token", "{\"apiKey\":42}"))).isEqualTo(400);
        assertThat(status(call("/auth/token", "{\"apiKey\":\"" + token(gateway.clientKey) + "\"}"))).isEqualTo(400);
        HttpResponse<String> large = Http.send(call("/auth/token", "{\"apiKey\":\"" + "x".repeat(20_000) + "\"}"));
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(Http.json(large.body()).at("/error/message").asText())
                .contains("16384 bytes").contains("a token request's fixed limit").doesNotContain("server.max_body");
    }

    @Test
    void keysLimitedToModelsGet403ForOthers() throws Exception {
        String limited = gateway.mintKey(newKey(List.of("gpt-4o*"), null));

        assertThat(status(call("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}").header("x-api-key", limited)))
                .isEqualTo(200);
        HttpResponse<String> refused = Http.send(
                call("/v1/chat/completions", "{\"model\":\"o3\"}").header("x-api-key", limited));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(Http.json(refused.body()).at("/error/code").asText()).isEqualTo("model_not_allowed");

        // A model call names its model on a provider's own route too: one without would meet no model
        // list, price or credit (a Responses call with a stored prompt picks its model upstream).
        int forwarded = gateway.fake.requests().size();
        for (String[] unnamed : new String[][] {{"/openai/v1/responses", "{\"prompt\":{\"id\":\"pmpt_1\"},\"input\":\"hi\"}"},
                {"/anthropic/v1/messages", "{\"max_tokens\":10,\"messages\":[]}"}}) {
            HttpResponse<String> r = Http.send(call(unnamed[0], unnamed[1]).header("x-api-key", limited));
            assertThat(r.statusCode()).as(unnamed[0]).isEqualTo(400);
            assertThat(r.body()).contains("request body has no 'model'");
        }
        assertThat(gateway.fake.requests()).hasSize(forwarded);

        // A hosted tool that runs a model of its own is held to the list too.
        HttpResponse<String> image = Http.send(call("/v1/responses", "{\"model\":\"gpt-4o-mini\",\"input\":\"draw\","
                + "\"tools\":[{\"type\":\"image_generation\",\"model\":\"gpt-image-1\"}]}").header("x-api-key", limited));
        assertThat(image.statusCode()).isEqualTo(403);
        assertThat(image.body()).contains("model_not_allowed").contains("gpt-image-1");
        assertThat(gateway.fake.requests()).hasSize(forwarded);
    }

    @Test
    void revokedByAnotherProcessIsRefusedWithinOneSecond() throws Exception {
        String key = gateway.mintKey(newKey(List.of(), null));
        awaitStatus(key, 200, Duration.ofSeconds(1));

        gateway.keyStore.revoke(ApiKeys.parse(key).orElseThrow().id());

        awaitStatus(key, 401, Duration.ofSeconds(1));
    }

    private static void awaitStatus(String key, int expected, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos() + Duration.ofMillis(200).toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = status(call("/v1/chat/completions", CHAT).header("x-api-key", key));
            if (last == expected) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("expected " + expected + " within " + within + " but the last answer was " + last);
    }

    @Test
    void secretsAppearInNoFileAfterAStop(@TempDir Path own) throws Exception {
        TestGateway g = TestGateway.start(own);
        String key = g.clientKey;
        assertThat(Http.send(g.post("/v1/chat/completions", CHAT)).statusCode()).isEqualTo(200);
        assertThat(Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"")).statusCode()).isEqualTo(400);
        Http.send(call("/v1/chat/completions", CHAT).header("Authorization", "Bearer " + key + "x"));
        g.close();

        try (Stream<Path> files = Files.walk(g.homeDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(content).as(f.toString()).doesNotContain(key).doesNotContain(TestGateway.PROVIDER_KEY);
            }
        }
    }

    private static NewKey newKey(List<String> models, Instant expiresAt) {
        return new NewKey("k", "default", false, models, null, null, expiresAt, null);
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }


    /**
     * A flood of calls naming no valid key is answered 401 each, but recorded at a bounded rate (an outside review's
     * keyless flood wrote 20 MB a second of receipts and rows and rotated the real calls out of daemon.log); a keyed
     * call amid it is recorded as ever.
     */
    @Test
    void aKeylessFloodIsAnsweredButRecordedAtABoundedRate() throws Exception {
        long before = count401();
        int sent = 400;
        long started = System.nanoTime();
        for (int i = 0; i < sent; i++) {
            assertThat(status(call("/v1/chat/completions", CHAT).header("Authorization", "Bearer aegis_nope_" + i))).isEqualTo(401);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        HttpResponse<String> keyed = Http.send(call("/v1/chat/completions", CHAT).header("x-api-key", gateway.clientKey));
        assertThat(keyed.statusCode()).isEqualTo(200);
        gateway.awaitUsage(keyed.headers().firstValue("X-Request-Id").orElseThrow());
        long recorded = count401() - before;
        assertThat(recorded).as("401s recorded of %d sent in %.2f s", sent, seconds)
                .isPositive().isLessThanOrEqualTo(50 + (long) Math.ceil(50 * seconds) + 1).isLessThan(sent);
    }

    private static long count401() {
        return gateway.db.read(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM usage WHERE status = 401")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
