package dev.aegis.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.config.McpConfig;
import dev.aegis.json.Json;
import dev.aegis.proxy.UpstreamClient;
import dev.aegis.watchdog.Watch;
import dev.aegis.watchdog.Watchdogs;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A remote MCP server over Streamable HTTP: each message is a POST; the answer is JSON or an SSE
 * stream read until the response to the request. The server's {@code Mcp-Session-Id} is kept and
 * sent back; a 404 on a request that carried it means the session is gone (a new generation).
 *
 * <p>Requests go over the daemon's {@link UpstreamClient}, as model calls do: the calling thread
 * writes the request and reads the answer itself on a pooled keep-alive connection. An event stream
 * usually ends right after the response; its rest is read in the background, so the connection
 * goes back to the pool for the next call instead of being closed and opened again.
 */
final class HttpTransport implements McpTransport {

    /** How long the rest of an event stream, after the response, may take to end before its connection is dropped. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(10);
    /** How long a notification or the session's closing may take. */
    private static final Duration NOTIFY_TIMEOUT = Duration.ofSeconds(10);

    private final McpConfig.Server server;
    private final UpstreamClient client;
    private final AtomicLong ids = new AtomicLong();
    private volatile String sessionId;
    private volatile String protocolVersion;
    private volatile long generation = 1;

    HttpTransport(McpConfig.Server server, UpstreamClient client) {
        this.server = server;
        this.client = client;
    }

    @Override
    public long connect() {
        return generation;
    }

    @Override
    public void protocolVersion(String version) {
        this.protocolVersion = version;
    }

    /** The answer's head must come within {@code timeout}, and the response to the request within what is left of it. */
    @Override
    public JsonNode request(ObjectNode request, Duration timeout) {
        long id = ids.incrementAndGet();
        request.put("id", id);
        String session = sessionId;
        long start = System.nanoTime();
        HttpResponse<InputStream> res = post(request, session, timeout);
        InputStream body = res.body();
        Duration left = timeout.minusNanos(System.nanoTime() - start);
        Watch deadline = Watchdogs.SHARED.watch(left.isNegative() ? Duration.ZERO : left, body);
        boolean draining = false;
        try {
            if (res.statusCode() == 404 && session != null) {
                lose(session);
                throw McpFailure.sessionLost(server.name());
            }
            if (res.statusCode() / 100 != 2) {
                throw McpFailure.unavailable(server.name(), "it answered HTTP " + res.statusCode());
            }
            res.headers().firstValue("Mcp-Session-Id").ifPresent(s -> sessionId = s);
            String type = res.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            JsonNode answer;
            if (type.startsWith("text/event-stream")) {
                Reader events = new InputStreamReader(body, StandardCharsets.UTF_8);
                answer = fromEvents(new BoundedLines(events, StdioTransport.MAX_MESSAGE_CHARS, true), id);
                draining = answer != null;
                if (draining) {
                    drain(events);
                }
            } else {
                // read whole, so the connection is free again before the answer is parsed
                byte[] bytes = body.readNBytes(StdioTransport.MAX_MESSAGE_CHARS + 1);
                if (bytes.length > StdioTransport.MAX_MESSAGE_CHARS) {
                    throw tooLarge();
                }
                answer = Json.mapper().readTree(bytes);
            }
            if (answer == null || !answer.isObject()) {
                throw McpFailure.unavailable(server.name(), "its answer held no response to the request");
            }
            return answer;
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the server's bytes, which may hold a secret: say only what went wrong.
            throw McpFailure.unavailable(server.name(), "its answer is not JSON");
        } catch (IOException e) {
            if (deadline.fired()) {
                throw McpFailure.timeout(server.name(), timeout);
            }
            throw McpFailure.unavailable(server.name(), "its answer could not be read (" + e.getMessage() + ")");
        } finally {
            deadline.close();
            if (!draining) {
                close(body);
            }
        }
    }

    private McpFailure tooLarge() {
        return McpFailure.unavailable(server.name(), "its answer held a message longer than "
                + StdioTransport.MAX_MESSAGE_CHARS / (1024 * 1024) + " Mi characters");
    }

    /** Reads the rest of an event stream in the background: at its end the connection is reused; closed if it does not end. */
    private static void drain(Reader events) {
        Thread.ofVirtual().name("mcp-drain").start(() -> {
            try (events; Watch limit = Watchdogs.SHARED.watch(DRAIN_LIMIT, events)) {
                char[] skip = new char[512];
                while (events.read(skip) >= 0) {
                    // messages after the response (notifications) are not relayed
                }
            } catch (IOException e) {
                // the stream broke or was closed at the limit: its connection is dropped, nothing else
            }
        });
    }

    private static void close(InputStream body) {
        try {
            body.close();
        } catch (IOException e) {
            // nothing more to read from it either way
        }
    }

    private synchronized void lose(String session) {
        if (session.equals(sessionId)) {
            sessionId = null;
            generation++;
        }
    }

    /**
     * Reads an SSE answer until the event that holds the response to {@code id}, in bounded memory: an
     * event longer than {@link StdioTransport#MAX_MESSAGE_CHARS} ends the request. A request of the
     * server's own (sampling, roots, elicitation) is answered {@code -32601}, as a stdio server's is:
     * the server would otherwise wait for it until the call's timeout.
     */
    private JsonNode fromEvents(BoundedLines in, long id) throws IOException {
        StringBuilder data = new StringBuilder();
        BoundedLines.Line line;
        while ((line = in.next()) != null) {
            if (line.cut() || data.length() + line.length() > StdioTransport.MAX_MESSAGE_CHARS) {
                throw tooLarge();
            }
            String text = line.start();
            if (text.isEmpty()) {
                JsonNode msg = data.isEmpty() ? null : Json.mapper().readTree(data.toString());
                data.setLength(0);
                if (msg == null || !msg.isObject()) {
                    continue;
                }
                if (!msg.has("method") && msg.path("id").asLong(-1) == id) {
                    return msg;
                }
                if (msg.has("method") && msg.hasNonNull("id")) {
                    notify(StdioTransport.notSupported(msg.get("id")));
                }
            } else if (text.startsWith("data:")) {
                data.append(text, text.startsWith("data: ") ? 6 : 5, text.length());
            }
        }
        return null;
    }

    private HttpResponse<InputStream> post(ObjectNode message, String session, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url()).timeout(timeout)
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
            return client.send(b.build());
        } catch (HttpTimeoutException e) {
            throw McpFailure.timeout(server.name(), timeout);
        } catch (IOException e) {
            // The configured URL's user info and query may carry a credential: never in what a caller sees.
            throw McpFailure.unavailable(server.name(), "cannot reach " + server.target() + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
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
        // The answer's body is read within the same time as its head: a server answering with an endless body
        // would otherwise hold the call that sent it (an answer to the server's own request) for ever.
        try (InputStream body = post(notification, sessionId, NOTIFY_TIMEOUT).body();
                Watch limit = Watchdogs.SHARED.watch(NOTIFY_TIMEOUT, body)) {
            body.transferTo(OutputStream.nullOutputStream());
        } catch (IOException | McpFailure e) {
            // a lost notification is not an error of the call that sent it
        }
    }

    @Override
    public void close() {
        String session = sessionId;
        if (session != null) {
            try (InputStream body = client.send(HttpRequest.newBuilder(server.url()).header("Mcp-Session-Id", session)
                    .timeout(NOTIFY_TIMEOUT).DELETE().build()).body()) {
                body.transferTo(OutputStream.nullOutputStream());
            } catch (IOException | InterruptedException | RuntimeException e) {
                // best effort
            }
        }
    }
}
