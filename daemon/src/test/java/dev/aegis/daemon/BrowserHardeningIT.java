package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.fakeprovider.FakeProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Browser-facing hardening over raw sockets: a page on another name (DNS rebinding) is refused
 * before any route runs, and every answer, whoever writes it, carries the browser headers.
 */
class BrowserHardeningIT {

    @TempDir
    static Path temp;

    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(temp, """
                server:
                  max_body: 64KB
                  allowed_hosts: [aegis.internal]
                  cors: { allowed_origins: ["http://localhost:3000"] }
                """, Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    /** A response head (status line and headers, names lower-cased) and as much body as was read. */
    record Answer(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : String.join(", ", values);
        }
    }

    /**
     * Sends {@code head} (without its final blank line) plus {@code body} and reads the answer's head,
     * then its body unless it is a stream (which would not end).
     */
    static Answer send(String head, String body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", gateway.state().port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((head + "\r\n" + (body == null ? "" : "Content-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n") + "\r\n").getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                headBytes.write(c);
                byte[] sofar = headBytes.toByteArray();
                int n = sofar.length;
                if (n >= 4 && sofar[n - 4] == '\r' && sofar[n - 3] == '\n' && sofar[n - 2] == '\r' && sofar[n - 1] == '\n') {
                    break;
                }
            }
            String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            k -> new java.util.ArrayList<>()).add(lines[i].substring(colon + 1).trim());
                }
            }
            String type = headers.getOrDefault("content-type", List.of("")).getFirst();
            String text = "";
            if (!type.startsWith("text/event-stream")) {
                List<String> length = headers.get("content-length");
                if (length != null) {
                    text = new String(in.readNBytes(Integer.parseInt(length.getFirst())), StandardCharsets.UTF_8);
                } else {
                    // Connection: close ends the body; a chunked one is read whole and unframed.
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    if (headers.containsKey("transfer-encoding")) {
                        text = Http.unchunked(text);
                    }
                }
            }
            return new Answer(status, headers, text);
        }
    }

    private static String get(String path, String host) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close";
    }

    private static String local() {
        return "127.0.0.1:" + gateway.state().port();
    }

    @Test
    void aRebindingPageOnAnotherNameIsRefusedOnEveryRoute() throws Exception {
        int port = gateway.state().port();
        for (String path : List.of("/metrics", "/aegis/v1/status", "/healthz", "/", "/v1/models", "/nowhere")) {
            for (String host : List.of("evil.example", "evil.example:" + port, "127.0.0.1.evil.example:" + port,
                    "localhost.evil.example", "10.0.0.7:" + port)) {
                Answer a = send(get(path, host) + "\r\nAuthorization: Bearer " + gateway.clientKey, null);
                assertThat(a.status()).as(host + " " + path).isEqualTo(421);
                JsonNode error = Http.json(a.body()).path("error");
                assertThat(error.path("code").asText()).isEqualTo("host_not_allowed");
                assertThat(error.path("message").asText()).contains("server.allowed_hosts");
                assertThat(a.body()).doesNotContain("aegis_requests", "uptime");
            }
        }
        // A call through the proxy never reaches the provider.
        int before = gateway.fake.requests().size();
        Answer call = send("POST /v1/chat/completions HTTP/1.1\r\nHost: evil.example:" + port
                + "\r\nConnection: close\r\nContent-Type: application/json\r\nAuthorization: Bearer " + gateway.clientKey,
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(call.status()).isEqualTo(421);
        assertThat(Http.json(call.body()).path("error").path("code").asText()).isEqualTo("host_not_allowed");
        assertThat(gateway.fake.requests()).hasSize(before);
    }

    @Test
    void loopbackNamesTheBoundAddressAndConfiguredHostsAreAccepted() throws Exception {
        int port = gateway.state().port();
        for (String host : List.of("127.0.0.1", "127.0.0.1:" + port, "localhost", "localhost:" + port, "LocalHost:" + port,
                "[::1]", "[::1]:" + port, "aegis.internal", "aegis.internal:" + port)) {
            Answer a = send(get("/healthz", host), null);
            assertThat(a.status()).as(host).isEqualTo(200);
        }
    }

    @Test
    void everyAnswerCarriesTheBrowserHeaders() throws Exception {
        String key = "\r\nAuthorization: Bearer " + gateway.clientKey;
        String chat = "POST /v1/chat/completions HTTP/1.1\r\nHost: " + local() + "\r\nConnection: close"
                + "\r\nContent-Type: application/json" + key;
        String token = "\r\nX-Aegis-Control-Token: " + gateway.state().controlToken();
        gateway.fake.enqueue(new FakeProvider.CannedResponse(200, "application/json", "{\"id\":\"x\",\"object\":\"chat.completion\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}",
                Map.of("Cache-Control", "public, max-age=600", "X-Content-Type-Options", "sniff-me")));
        Map<String, Answer> answers = new LinkedHashMap<>();
        answers.put("home html", send(get("/", local()) + "\r\nAccept: text/html", null));
        answers.put("home json", send(get("/", local()) + "\r\nAccept: application/json", null));
        answers.put("health", send(get("/healthz", local()), null));
        answers.put("health v1", send(get("/aegis/v1/health", local()), null));
        answers.put("status", send(get("/aegis/v1/status", local()), null));
        answers.put("metrics", send(get("/metrics", local()) + token, null));
        answers.put("models", send(get("/v1/models", local()) + key, null));
        answers.put("usage", send(get("/aegis/v1/usage", local()) + key, null));
        answers.put("events (SSE)", send(get("/aegis/v1/events", local()) + token, null));
        answers.put("proxied answer (provider sent its own cache headers)", send(chat,
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        answers.put("proxied stream (SSE)", send(chat,
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        answers.put("400 not JSON", send(chat, "{not json"));
        answers.put("401 no key", send("POST /v1/chat/completions HTTP/1.1\r\nHost: " + local()
                + "\r\nConnection: close\r\nContent-Type: application/json", "{}"));
        answers.put("404", send(get("/nowhere", local()), null));
        answers.put("405", send("DELETE /healthz HTTP/1.1\r\nHost: " + local() + "\r\nConnection: close", null));
        answers.put("413", send(chat, "{\"model\":\"" + "a".repeat(70_000) + "\"}"));
        answers.put("CORS preflight", send("OPTIONS /v1/chat/completions HTTP/1.1\r\nHost: " + local()
                + "\r\nConnection: close\r\nOrigin: http://localhost:3000\r\nAccess-Control-Request-Method: POST", null));
        answers.put("426 WebSocket", send(get("/v1/responses", local())
                + "\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", null));
        answers.put("421 host", send(get("/healthz", "evil.example"), null));
        answers.put("Jetty's own 400 (bad request line)", send("GET /a b c HTTP/1.1\r\nHost: " + local(), null));
        answers.put("Jetty's own 400 (HTTP/1.1 without Host)", send("GET /healthz HTTP/1.1\r\nConnection: close", null));

        assertThat(answers.get("events (SSE)").header("content-type")).startsWith("text/event-stream");
        assertThat(answers.get("proxied stream (SSE)").header("content-type")).startsWith("text/event-stream");
        assertThat(answers.get("proxied answer (provider sent its own cache headers)").status()).isEqualTo(200);
        assertThat(answers.get("home html").header("content-type")).startsWith("text/html");
        for (Map.Entry<String, Answer> e : answers.entrySet()) {
            Answer a = e.getValue();
            String what = e.getKey() + " (" + a.status() + ")";
            assertThat(a.header("X-Content-Type-Options")).as(what).isEqualTo("nosniff");
            assertThat(a.header("Referrer-Policy")).as(what).isEqualTo("no-referrer");
            assertThat(a.header("Cache-Control")).as(what).isEqualTo("no-store");
            assertThat(a.header("X-Frame-Options")).as(what).isEqualTo("DENY");
            String csp = a.header("Content-Security-Policy");
            assertThat(csp).as(what).contains("default-src 'none'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline", "script-src");
        }
        // The home page's one stylesheet is allowed by its hash, so a browser applies it and nothing else.
        String html = answers.get("home html").body();
        String style = html.substring(html.indexOf("<style>") + "<style>".length(), html.indexOf("</style>"));
        String hash = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                .digest(style.getBytes(StandardCharsets.UTF_8)));
        assertThat(answers.get("home html").header("Content-Security-Policy")).contains("style-src 'sha256-" + hash + "'");
        assertThat(html).doesNotContain("<script", " style=\"");
    }
}
