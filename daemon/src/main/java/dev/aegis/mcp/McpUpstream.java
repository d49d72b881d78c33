package dev.aegis.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.config.McpConfig;
import dev.aegis.control.AegisVersion;
import dev.aegis.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One configured MCP server as Aegis's client of it: one session shared by every caller, initialized
 * (again) whenever the transport reports a new generation (a restarted process, a lost HTTP session),
 * and the server's tool list as last read. Callers' request ids are never sent: the transport numbers
 * the requests it sends.
 */
final class McpUpstream implements AutoCloseable {

    /**
     * The least time the session's set-up (initialize, the tool list) is given: a stdio server's
     * process may take seconds to start, which is not a tool call running late.
     */
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(30);

    /** The tool list is read again before a call once it is older than this. */
    private static final long TOOLS_MAX_AGE_MS = 30_000;
    /**
     * A client's {@code tools/list} reads the server's list again once it is older than this: a change
     * shows within a second, and keys listing in a loop cost the server one read a second, not one each.
     */
    static final long LISTED_TOOLS_MAX_AGE_MS = 1_000;

    /** What the server said when it was initialized, and its tools. */
    record Ready(JsonNode initializeResult, List<ObjectNode> tools) {}

    private final McpConfig.Server config;
    private final McpTransport transport;
    private final Supplier<Duration> timeout;
    private final UnaryOperator<String> redact;
    private long initializedGeneration = -1;
    private JsonNode initializeResult;
    private volatile List<ObjectNode> tools = List.of();
    private volatile long toolsReadAtMs;

    /**
     * @param redact what the server's own words go through before a caller sees them in an error (an
     *     error answered to initialize or tools/list reaches every caller, before any tool is approved)
     */
    McpUpstream(McpConfig.Server config, McpTransport transport, Supplier<Duration> timeout, UnaryOperator<String> redact) {
        this.config = config;
        this.transport = transport;
        this.timeout = timeout;
        this.redact = redact;
    }

    /** The message of an error the server answered, redacted and at most 500 characters. */
    private String said(JsonNode answer) {
        String shown = redact.apply(answer.path("error").path("message").asText("")); // whole: a cut could split a secret
        return shown.length() > MAX_SAID ? shown.substring(0, MAX_SAID) + "..." : shown;
    }

    private static final int MAX_SAID = 500;

    McpConfig.Server config() {
        return config;
    }

    /** Initializes the session when needed, and returns what the server said and its tools. */
    synchronized Ready ready() {
        long generation = transport.connect();
        if (generation != initializedGeneration) {
            initialize();
            initializedGeneration = generation;
            readTools();
        }
        return new Ready(initializeResult, tools);
    }

    private void initialize() {
        ObjectNode req = message("initialize");
        ObjectNode params = req.putObject("params");
        params.put("protocolVersion", ProtocolVersion.LATEST);
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", "aegis-gateway").put("version", AegisVersion.get());
        JsonNode answer = transport.request(req, setupTimeout());
        if (!answer.has("result")) {
            throw McpFailure.unavailable(config.name(), "it refused to initialize: " + said(answer));
        }
        initializeResult = answer.get("result");
        String version = initializeResult.path("protocolVersion").asText(ProtocolVersion.LATEST);
        transport.protocolVersion(version);
        transport.notify(Json.mapper().createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/initialized"));
    }

    private Duration setupTimeout() {
        Duration t = timeout.get();
        return t.compareTo(SETUP_TIMEOUT) > 0 ? t : SETUP_TIMEOUT;
    }

    /** Reads every page of the server's tools. */
    private void readTools() {
        List<ObjectNode> all = new ArrayList<>();
        String cursor = null;
        do {
            ObjectNode req = message("tools/list");
            if (cursor != null) {
                req.putObject("params").put("cursor", cursor);
            }
            JsonNode answer = transport.request(req, setupTimeout());
            JsonNode result = answer.get("result");
            if (result == null) {
                throw McpFailure.unavailable(config.name(), "it did not list its tools: " + said(answer));
            }
            for (JsonNode tool : result.path("tools")) {
                if (tool instanceof ObjectNode t) {
                    all.add(t);
                }
            }
            cursor = result.path("nextCursor").isTextual() ? result.get("nextCursor").asText() : null;
        } while (cursor != null && all.size() < 10_000);
        tools = List.copyOf(all);
        toolsReadAtMs = System.currentTimeMillis();
    }

    /** The server's tools, read now. */
    synchronized List<ObjectNode> listTools() {
        ready();
        readTools();
        return tools;
    }

    /** The server's tools for a client's {@code tools/list}: read again when older than {@link #LISTED_TOOLS_MAX_AGE_MS}. */
    synchronized List<ObjectNode> listedTools() {
        return tools(LISTED_TOOLS_MAX_AGE_MS);
    }

    /** The server's tools, read again when the server said they changed or the list is old. */
    synchronized List<ObjectNode> currentTools() {
        return tools(TOOLS_MAX_AGE_MS);
    }

    private List<ObjectNode> tools(long maxAgeMs) {
        ready();
        if (transport.toolsChanged() || System.currentTimeMillis() - toolsReadAtMs > maxAgeMs) {
            readTools();
        }
        return tools;
    }

    /**
     * Sends a request and returns the server's JSON-RPC response ({@code result} or {@code error}).
     * A lost session is initialized again and the request retried once.
     */
    JsonNode request(String method, JsonNode params) {
        for (int attempt = 0; ; attempt++) {
            ready();
            ObjectNode req = message(method);
            if (params != null && !params.isNull()) {
                req.set("params", params.deepCopy());
            }
            try {
                return transport.request(req, timeout.get());
            } catch (McpFailure e) {
                if (!e.sessionLost() || attempt > 0) {
                    throw e;
                }
            }
        }
    }

    private static ObjectNode message(String method) {
        return Json.mapper().createObjectNode().put("jsonrpc", "2.0").put("method", method);
    }

    /** Starts a stdio server's process now (a remote server is reached on first use). */
    void startEarly() {
        if (transport instanceof StdioTransport stdio) {
            stdio.startEarly();
        }
    }

    @Override
    public void close() {
        transport.close();
    }
}
