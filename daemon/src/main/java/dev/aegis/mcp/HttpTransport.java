package dev.aegis.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.config.McpConfig;
import dev.aegis.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A remote MCP server over Streamable HTTP: each message is a POST; the answer is JSON or an SSE
 * stream read until the response to the request. The server's {@code Mcp-Session-Id} is kept and
 * sent back; a 404 on a request that carried it means the session is gone (a new generation).
 */
final class HttpTransport implements McpTransport {

    private final McpConfig.Server server;
    private final HttpClient client;
    private final AtomicLong ids = new AtomicLong();
    private volatile String sessionId;
    private volatile String protocolVersion;
    private volatile long generation = 1;

    HttpTransport(McpConfig.Server server) {
        this.server = server;
        // HTTP/1.1: the default (HTTP/2) asks a plain-http server to upgrade (h2c) on every new connection
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    @Override
    public long connect() {
        return generation;
    }

    @Override
    public void protocolVersion(String version) {
        this.protocolVersion = version;
    }

    @Override
    public JsonNode request(ObjectNode request, Duration timeout) {
        long id = ids.incrementAndGet();
        request.put("id", id);
        String session = sessionId;
        CompletableFuture<JsonNode> answer = CompletableFuture.supplyAsync(() -> exchange(request, id, session),
                runnable -> Thread.ofVirtual().start(runnable));
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw McpFailure.timeout(server.name(), timeout);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof McpFailure f ? f : McpFailure.unavailable(server.name(), e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw McpFailure.unavailable(server.name(), "interrupted");
        }
    }

    private JsonNode exchange(ObjectNode request, long id, String session) {
        HttpResponse<InputStream> res = post(request, session);
        try (InputStream body = res.body()) {
            if (res.statusCode() == 404 && session != null) {
                lose(session);
                throw McpFailure.sessionLost(server.name());
            }
            if (res.statusCode() / 100 != 2) {
                throw McpFailure.unavailable(server.name(), "it answered HTTP " + res.statusCode());
            }
            res.headers().firstValue("Mcp-Session-Id").ifPresent(s -> sessionId = s);
            String type = res.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            JsonNode answer = type.startsWith("text/event-stream") ? fromEvents(body, id) : Json.mapper().readTree(body);
            if (answer == null || !answer.isObject()) {
                throw McpFailure.unavailable(server.name(), "its answer held no response to the request");
            }
            return answer;
        } catch (IOException e) {
            throw McpFailure.unavailable(server.name(), "its answer could not be read (" + e.getMessage() + ")");
        }
    }

    private synchronized void lose(String session) {
        if (session.equals(sessionId)) {
            sessionId = null;
            generation++;
        }
    }

    /** Reads an SSE answer until the event that holds the response to {@code id}. */
    private static JsonNode fromEvents(InputStream body, long id) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                JsonNode msg = data.isEmpty() ? null : Json.mapper().readTree(data.toString());
                data.setLength(0);
                if (msg != null && msg.isObject() && !msg.has("method") && msg.path("id").asLong(-1) == id) {
                    return msg;
                }
            } else if (line.startsWith("data:")) {
                data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
            }
        }
        return null;
    }

    private HttpResponse<InputStream> post(ObjectNode message, String session) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(message)));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        if (protocolVersion != null) {
            b.header("MCP-Protocol-Version", protocolVersion);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw McpFailure.unavailable(server.name(), "cannot reach " + server.url() + " (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw McpFailure.unavailable(server.name(), "interrupted");
        }
    }

    private static byte[] bytes(ObjectNode message) {
        try {
            return Json.mapper().writeValueAsBytes(message);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void notify(ObjectNode notification) {
        try {
            post(notification, sessionId).body().close();
        } catch (IOException | McpFailure e) {
            // a lost notification is not an error of the call that sent it
        }
    }

    @Override
    public void close() {
        String session = sessionId;
        if (session != null) {
            try {
                HttpRequest delete = HttpRequest.newBuilder(server.url()).header("Mcp-Session-Id", session)
                        .timeout(Duration.ofSeconds(2)).DELETE().build();
                client.send(delete, HttpResponse.BodyHandlers.discarding());
            } catch (IOException | InterruptedException e) {
                // best effort
            }
        }
        client.close();
    }
}
