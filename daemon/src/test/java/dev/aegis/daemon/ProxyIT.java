package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.fakeprovider.FakeProvider.CannedResponse;
import dev.aegis.fakeprovider.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zero-config proxy through a real daemon and real HTTP: fidelity, streaming, headers, errors. */
class ProxyIT {

    @TempDir
    static Path temp;

    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(temp, """
                server: { max_body: 64KB }
                models:
                  aegis-fast:
                    - { provider: openai, model: gpt-4o-mini }
                """, Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    private static String url(String path) {
        return gateway.url() + path;
    }

    @Test
    void streamIsForwardedEventByEventNotBuffered() throws Exception {
        gateway.fake.holdStreamsAfterFirstEvent();
        try {
            HttpResponse<InputStream> response = Http.open(gateway.post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("text/event-stream"));
            try (InputStream in = response.body()) {
                // The provider is still holding back every event after the first one.
                String first = CompletableFuture.supplyAsync(() -> {
                            try {
                                return Http.readEvent(in);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        })
                        .get(10, TimeUnit.SECONDS);
                assertThat(first).startsWith("data: {").contains("\"role\":\"assistant\"");

                gateway.fake.releaseStreams();
                String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(rest).contains("\"content\":\"Hello\"").endsWith("data: [DONE]\n\n");
            }
        } finally {
            gateway.fake.releaseStreams();
        }
    }

    @Test
    void responsesStreamArrivesByteForByteWithEventLines() throws Exception {
        HttpResponse<String> direct = Http.send(Http.post(gateway.fake.baseUrl() + "/responses",
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"input\":\"hi\"}"));
        HttpResponse<String> proxied = Http.send(gateway.post("/v1/responses",
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"input\":\"hi\"}"));

        assertThat(proxied.statusCode()).isEqualTo(200);
        assertThat(proxied.body()).isEqualTo(direct.body());
        assertThat(proxied.body()).startsWith("event: response.created\ndata: ")
                .contains("event: response.output_item.done\n")
                .contains("event: response.completed\n");
    }

    @Test
    void bodyPassesByteForByteAndProviderKeyReplacesClientKey() throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",  \"messages\":[{\"role\":\"developer\",\"content\":\"h\\u00e9 \u00e9\"}],"
                + "\"x_unknown\":{\"nested\":[1,2.50,true,null]},\"tools\":[{\"type\":\"custom\",\"name\":\"x\"}]}";
        HttpResponse<String> r = Http.send(gateway.post("/v1/chat/completions?beta=true", body)
                .header("Authorization", "Bearer aegis-client-key")
                .header("x-api-key", "aegis-client-key")
                .header("OpenAI-Beta", "responses=v1")
                .header("x-stainless-lang", "java")
                .header("User-Agent", "test-agent/1.0")
                .header("x-tenant-id", "default"));

        assertThat(r.statusCode()).isEqualTo(200);
        RecordedRequest seen = gateway.fake.requests().getLast();
        assertThat(seen.bodyText()).isEqualTo(body);
        assertThat(seen.query()).isEqualTo("beta=true");
        assertThat(seen.header("authorization")).isEqualTo("Bearer " + TestGateway.PROVIDER_KEY);
        assertThat(seen.header("x-api-key")).isNull();
        assertThat(seen.header("openai-beta")).isEqualTo("responses=v1");
        assertThat(seen.header("x-stainless-lang")).isEqualTo("java");
        assertThat(seen.header("user-agent")).isEqualTo("test-agent/1.0");
        assertThat(seen.header("x-tenant-id")).isNull();
        assertThat(r.headers().firstValue("X-Aegis-Provider")).hasValue("openai");
        assertThat(r.headers().firstValue("X-Aegis-Model")).hasValue("gpt-4o-mini");
        assertThat(r.headers().firstValue("X-Aegis-Overhead-Ms")).isPresent();
        assertThat(r.headers().firstValue("X-Upstream-Request-Id")).hasValue("req_fake_upstream");
    }

    @Test
    void hopByHopHeadersAreNotForwarded() throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}";
        try (Socket s = new Socket("127.0.0.1", gateway.state().port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Connection: close, X-Hop-Custom\r\nX-Hop-Custom: 1\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
                    + "Proxy-Authorization: Basic abc\r\nX-Kept: yes\r\nAuthorization: Bearer " + gateway.clientKey
                    + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 200");
        }
        RecordedRequest seen = gateway.fake.requests().getLast();
        assertThat(seen.header("x-kept")).isEqualTo("yes");
        assertThat(seen.header("x-hop-custom")).isNull();
        assertThat(seen.header("keep-alive")).isNull();
        assertThat(seen.header("te")).isNull();
        assertThat(seen.header("proxy-authorization")).isNull();
    }

    @Test
    void webSocketUpgradeIsRefusedWith426SoCodexFallsBackToHttp() throws Exception {
        int before = gateway.fake.requests().size();
        try (Socket s = new Socket("127.0.0.1", gateway.state().port())) {
            s.getOutputStream().write(("GET /v1/responses HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\n"
                    + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Authorization: Bearer k\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 426").contains("upgrade_required");
        }
        assertThat(gateway.fake.requests()).hasSize(before);
    }

    @Test
    void aliasRewritesOnlyTheModelName() throws Exception {
        String body = "{\"model\" : \"aegis-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = Http.send(gateway.post("/v1/chat/completions", body));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(gateway.fake.requests().getLast().bodyText())
                .isEqualTo(body.replace("\"aegis-fast\"", "\"gpt-4o-mini\""));
    }

    @Test
    void providerPrefixSelectsProviderAndUnknownPrefixIs404() throws Exception {
        HttpResponse<String> ok = Http.send(gateway.post("/v1/chat/completions", "{\"model\":\"openai/gpt-4o\"}"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(gateway.fake.requests().getLast().bodyText()).isEqualTo("{\"model\":\"gpt-4o\"}");

        HttpResponse<String> missing = Http.send(gateway.post("/v1/chat/completions", "{\"model\":\"nope/gpt-4o\"}"));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(Http.json(missing.body()).at("/error/code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void providerErrorsPassThroughWithTheirHeaders() throws Exception {
        gateway.fake.enqueue(new CannedResponse(429, "application/json",
                "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}",
                Map.of("retry-after", "7", "retry-after-ms", "7000")));
        HttpResponse<String> r = Http.send(gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.body()).contains("Rate limit reached");
        assertThat(r.headers().firstValue("retry-after")).hasValue("7");
        assertThat(r.headers().firstValue("retry-after-ms")).hasValue("7000");
    }

    @Test
    void requestIdIsKeptOrGenerated() throws Exception {
        HttpResponse<String> kept = Http.send(gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}")
                .header("X-Request-Id", "my-request-1"));
        HttpResponse<String> generated = Http.send(gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));

        assertThat(kept.headers().firstValue("X-Request-Id")).hasValue("my-request-1");
        assertThat(generated.headers().firstValue("X-Request-Id")).hasValueSatisfying(v -> assertThat(v).startsWith("req_"));
        HttpResponse<String> error = Http.send(gateway.post("/v1/chat/completions", "nope"));
        assertThat(error.headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    void malformedBodiesGet400InOpenAiShape() throws Exception {
        int before = gateway.fake.requests().size();
        for (String bad : new String[] {"not json", "[1,2]", "{\"model\":42}", "{\"model\":\"gpt-4o-mini\"", "",
                "{\"model\":\"gpt-4o-mini\"} {}", "{\"model\":\"gpt-4o-mini\",\"stream\":\"yes\"}",
                "[".repeat(10_000)}) {
            HttpResponse<String> r = Http.send(gateway.post("/v1/chat/completions", bad));
            assertThat(r.statusCode()).as(bad.length() > 40 ? "deep nesting" : bad).isEqualTo(400);
            JsonNode error = Http.json(r.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("invalid_request");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.has("param")).isTrue();
            assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("application/json"));
            assertThat(r.headers().firstValue("X-Aegis-Overhead-Ms")).isPresent();
        }
        assertThat(gateway.fake.requests()).hasSize(before);
    }

    @Test
    void messagesRouteAnswersErrorsInAnthropicShape() throws Exception {
        HttpResponse<String> r = Http.send(gateway.post("/v1/messages?beta=true", "{oops"));

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = Http.json(r.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void bodiesOverTheLimitGet413() throws Exception {
        String big = "{\"model\":\"gpt-4o-mini\",\"input\":\"" + "a".repeat(70 * 1024) + "\"}";
        HttpResponse<String> r = Http.send(gateway.post("/v1/responses", big));

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("request_too_large");
    }

    @Test
    void unknownRoutesAnswerJson404() throws Exception {
        HttpResponse<String> r = Http.get(url("/definitely/not/here"), "*/*");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("not_found");
    }

    @Test
    void providerNotFoundIsRelayedAsTheProviderSentIt() throws Exception {
        HttpResponse<String> r = Http.send(gateway.post("/v1/no/such/api", "{}"));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("unknown_url");
    }

    @Test
    void otherV1PathsAreForwardedToTheDefaultProvider() throws Exception {
        HttpResponse<String> r = Http.send(gateway.post("/v1/files?purpose=batch", "").GET());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("file-fake1");
        assertThat(gateway.fake.requests().getLast().path()).isEqualTo("/v1/files");
        assertThat(gateway.fake.requests().getLast().query()).isEqualTo("purpose=batch");
    }

    @Test
    void legacyProxyPathMeansChatCompletions() throws Exception {
        HttpResponse<String> r = Http.send(gateway.post("/api/proxy/openai", "{\"model\":\"gpt-4o-mini\"}"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(gateway.fake.requests().getLast().path()).isEqualTo("/v1/chat/completions");
    }

    @Test
    void explicitProviderPrefixesRouteWhateverTheModel() throws Exception {
        HttpResponse<String> anthropic = Http.send(gateway.post("/anthropic/v1/messages?beta=true",
                "{\"model\":\"my-claude-alias\",\"max_tokens\":5,\"messages\":[]}"));
        assertThat(anthropic.statusCode()).isEqualTo(200);
        assertThat(anthropic.headers().firstValue("X-Aegis-Provider")).hasValue("anthropic");
        assertThat(gateway.fake.requests().getLast().header("x-api-key")).isEqualTo(TestGateway.ANTHROPIC_PROVIDER_KEY);
        assertThat(gateway.fake.requests().getLast().query()).isEqualTo("beta=true");

        HttpResponse<String> openai = Http.send(gateway.post("/openai/v1/chat/completions", "{\"model\":\"claude-lookalike\"}"));
        assertThat(openai.statusCode()).isEqualTo(200);
        assertThat(openai.headers().firstValue("X-Aegis-Provider")).hasValue("openai");
        assertThat(gateway.fake.requests().getLast().header("authorization")).isEqualTo("Bearer " + TestGateway.PROVIDER_KEY);
    }

    @Test
    void homePageDocumentsTheDaemonAsJsonOrHtml() throws Exception {
        HttpResponse<String> json = Http.get(url("/"), "application/json");
        HttpResponse<String> html = Http.get(url("/"), "text/html");

        assertThat(Http.json(json.body()).path("base_url").asText()).isEqualTo(gateway.url() + "/v1");
        assertThat(Http.json(json.body()).path("routes").toString()).contains("/v1/responses", "/v1/messages");
        assertThat(html.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(html.body()).contains("OPENAI_BASE_URL=" + gateway.url() + "/v1", "aegis init codex");
    }

    @Test
    void healthRoutesAnswerOk() throws Exception {
        for (String path : new String[] {"/healthz", "/health", "/aegis/v1/health"}) {
            HttpResponse<String> r = Http.get(url(path), "application/json");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(Http.json(r.body()).path("status").asText()).isEqualTo("ok");
            assertThat(r.headers().firstValue("X-Aegis-Overhead-Ms")).isPresent();
        }
    }

    @Test
    void shutdownRouteRequiresTheControlToken() throws Exception {
        HttpResponse<String> r = Http.send(Http.post(url("/aegis/v1/control/shutdown"), "")
                .header("X-Aegis-Control-Token", "wrong"));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(Http.get(url("/healthz"), "*/*").statusCode()).isEqualTo(200);
    }
}
