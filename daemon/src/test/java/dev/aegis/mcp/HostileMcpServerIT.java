package dev.aegis.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.aegis.control.ControlRoutes;
import dev.aegis.daemon.TestGateway;
import dev.aegis.daemon.UsageRowView;
import dev.aegis.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remote MCP server written to hurt the gateway (an outside review's findings): answers larger than any
 * message may be, an event line that never ends, a secret in what it answers outside a result, a request of
 * its own in its event stream, credentials in its configured URL. The gateway stays up, answers each with a
 * JSON-RPC error in bounded memory and time, and lets no secret through.
 */
class HostileMcpServerIT {

    private static final String SECRET = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
    private static final String URL_SECRET = "sk-proj-urlsecret0123456789abcdefghij";

    @TempDir
    static Path tmp;

    static HttpServer hostile;
    static TestGateway gw;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The answers the server got to requests of its own (sampling), as the gateway posted them. */
    static final BlockingQueue<JsonNode> answersToTheServer = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        hostile = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hostile.createContext("/mcp", HostileMcpServerIT::serve);
        hostile.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        hostile.start();
        int port = hostile.getAddress().getPort();
        gw = TestGateway.start(tmp, "mcp:\n  timeout: 20s\n  servers:\n"
                + "    hostile: { url: \"http://admin:" + SECRET + "@127.0.0.1:" + port + "/mcp?api_key=" + URL_SECRET + "\" }\n"
                + "    refusing: { url: \"http://127.0.0.1:" + port + "/mcp/refusing\" }\n"
                + "    gone: { url: \"http://admin:" + SECRET + "@127.0.0.1:1/mcp?api_key=" + URL_SECRET + "\" }\n"
                + "  keys:\n    other: { allow: [\"gone/*\"] }\n", Map.of());
        HttpResponse<String> approved = HTTP.send(HttpRequest.newBuilder(URI.create(gw.url() + "/aegis/v1/mcp/hostile/approve"))
                .header(ControlRoutes.CONTROL_TOKEN_HEADER, gw.state().controlToken())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (hostile != null) {
            hostile.stop(0);
        }
    }

    // ---- the server ----

    private static void serve(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode msg = Json.mapper().readTree(ex.getRequestBody().readAllBytes());
            if (!msg.has("method")) {
                answersToTheServer.add(msg); // a response the gateway sent to a request of the server's
                ex.sendResponseHeaders(202, -1);
                return;
            }
            String method = msg.path("method").asText();
            long id = msg.path("id").asLong(-1);
            if (id < 0) {
                ex.sendResponseHeaders(202, -1);
                return;
            }
            if (ex.getRequestURI().getPath().endsWith("/refusing")) {
                json(ex, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32000,\"message\":\"init failed " + SECRET + "\"}}");
                return;
            }
            switch (method) {
                case "initialize" -> json(ex, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"protocolVersion\":\"2025-06-18\","
                        + "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"hostile\",\"version\":\"1\"}}}");
                case "tools/list" -> {
                    StringBuilder tools = new StringBuilder();
                    for (String name : List.of("huge", "endless", "both", "badjson", "sample")) {
                        tools.append(tools.isEmpty() ? "" : ",").append("{\"name\":\"").append(name)
                                .append("\",\"inputSchema\":{\"type\":\"object\"}}");
                    }
                    json(ex, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"tools\":[" + tools + "]}}");
                }
                case "tools/call" -> call(ex, id, msg.path("params").path("name").asText());
                default -> json(ex, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32601,\"message\":\"no\"}}");
            }
        } catch (IOException e) {
            // the gateway hung up on an answer it would not read: expected for the huge and endless ones
        }
    }

    private static void call(HttpExchange ex, long id, String tool) throws IOException {
        switch (tool) {
            case "huge" -> {
                // 40 MB of one JSON answer: more than any message may be.
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"")
                            .getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < 640; i++) {
                        out.write(chunk);
                    }
                    out.write("\"}]}}".getBytes(StandardCharsets.US_ASCII));
                }
            }
            case "endless" -> {
                // One event line that never ends, until the gateway hangs up.
                ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write("event: message\ndata: ".getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = "y".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
                    while (true) {
                        out.write(chunk);
                    }
                }
            }
            case "both" -> json(ex, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"content\":[{\"type\":\"text\","
                    + "\"text\":\"fine\"}]},\"error\":{\"code\":1,\"message\":\"err " + SECRET + "\"}}");
            case "badjson" -> json(ex, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\": " + SECRET);
            case "sample" -> {
                // A request of the server's own first (sampling), then the tool's result once it is answered.
                ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"method\":\"sampling/createMessage\","
                            + "\"params\":{\"messages\":[],\"maxTokens\":5}}\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    JsonNode answer = answersToTheServer.poll(15, TimeUnit.SECONDS);
                    String text = answer == null ? "no answer" : "answered " + answer.path("error").path("code").asInt();
                    out.write(("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"content\":[{\"type\":"
                            + "\"text\",\"text\":\"" + text + "\"}]}}\n\n").getBytes(StandardCharsets.UTF_8));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            default -> json(ex, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32602,\"message\":\"no such tool\"}}");
        }
    }

    private static void json(HttpExchange ex, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    // ---- the client ----

    private static HttpResponse<String> send(String server, String session, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url() + "/mcp/" + server))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String initialize(String server) throws Exception {
        HttpResponse<String> r = send(server, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                gw.clientKey);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private static JsonNode callTool(String tool) throws Exception {
        String session = initialize("hostile");
        HttpResponse<String> r = send("hostile", session, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"" + tool + "\",\"arguments\":{}}}", gw.clientKey);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(SECRET).doesNotContain(URL_SECRET);
        return Json.mapper().readTree(r.body());
    }

    @Test
    void anAnswerLargerThanAMessageMayBeIsAnErrorAndTheGatewayStaysUp() throws Exception {
        JsonNode huge = callTool("huge");
        assertThat(huge.path("error").path("message").asText()).contains("longer than 16 Mi characters");
        JsonNode endless = callTool("endless");
        assertThat(endless.path("error").path("message").asText()).contains("longer than 16 Mi characters");
        assertThat(callTool("both").path("result").path("content").get(0).path("text").asText()).isEqualTo("fine");
    }

    @Test
    void whatTheServerSaysOutsideAResultNeverCarriesASecretOrTheParsersDetail() throws Exception {
        JsonNode both = callTool("both");
        assertThat(both.has("error")).as("a response is a result or an error").isFalse();
        JsonNode bad = callTool("badjson");
        assertThat(bad.path("error").path("message").asText()).contains("its answer is not JSON").doesNotContain("Source");

        HttpResponse<String> refusing = send("refusing", null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                gw.clientKey);
        assertThat(refusing.body()).contains("it refused to initialize: init failed [REDACTED").doesNotContain(SECRET);
    }

    @Test
    void theConfiguredUrlsCredentialsReachNoCaller() throws Exception {
        HttpResponse<String> gone = send("gone", null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                gw.clientKey);
        assertThat(gone.body()).contains("cannot reach http://127.0.0.1:1/mcp").doesNotContain(SECRET)
                .doesNotContain(URL_SECRET).doesNotContain("admin");
    }

    @Test
    void aRequestOfTheServersOwnIsAnsweredAtOnce() throws Exception {
        long started = System.nanoTime();
        JsonNode sampled = callTool("sample");
        assertThat(sampled.path("result").path("content").get(0).path("text").asText()).isEqualTo("answered -32601");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aRefusalBeforeTheRequestReachesAServerIsRecorded() throws Exception {
        String other = gw.mintKey(new dev.aegis.keys.NewKey("other", "default", false, List.of(), null, null, null, null));
        String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        HttpResponse<String> notAllowed = send("hostile", null, init, other);
        assertThat(notAllowed.statusCode()).isEqualTo(403);
        UsageRowView row = gw.awaitUsage(notAllowed.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(row.errorCode()).isEqualTo("mcp_server_not_allowed");
        assertThat(row.route()).isEqualTo("/mcp/hostile");
        HttpResponse<String> badKey = send("hostile", null, init, "aegis_nosuchkey_0000000000000000");
        assertThat(badKey.statusCode()).isEqualTo(401);
        assertThat(gw.awaitUsage(badKey.headers().firstValue("X-Request-Id").orElseThrow()).status()).isEqualTo(401);
    }
}
