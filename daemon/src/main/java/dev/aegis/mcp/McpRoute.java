package dev.aegis.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.admission.RouteAdmission;
import dev.aegis.auth.AgentHeaders;
import dev.aegis.auth.Authenticator;
import dev.aegis.auth.CallerScope;
import dev.aegis.config.AegisConfig;
import dev.aegis.config.McpConfig;
import dev.aegis.http.ApiException;
import dev.aegis.http.InFlightRequests;
import dev.aegis.http.JavalinExchange;
import dev.aegis.http.RequestIds;
import dev.aegis.json.Json;
import dev.aegis.keys.KeyRecord;
import dev.aegis.metrics.GatewayMetrics;
import dev.aegis.proxy.BodyReader;
import dev.aegis.records.CallRecorder;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code /mcp/<name>}: MCP's Streamable HTTP transport in front of each configured MCP server.
 * The caller authenticates with its Aegis key as for model calls, and the tenant and run it names
 * ({@link CallerScope}) and its coding agent's session headers ({@link AgentHeaders}) are read and
 * checked as for model calls. The gateway answers
 * {@code initialize} (negotiating the protocol revision), {@code ping} and {@code tools/list}
 * (the key's allowed tools, once the server's tools match their approval) itself, governs and
 * records {@code tools/call} and relays other requests (resources, prompts, completion), governed and
 * recorded the same way ({@link ServerRequest}). Answers are JSON, or one SSE event for a client that accepts only
 * {@code text/event-stream}; {@code GET} (a server-to-client stream) is 405: the gateway sends no
 * server-initiated messages.
 */
public final class McpRoute {

    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String VERSION_HEADER = "MCP-Protocol-Version";
    /** What the gateway answers itself; every other request goes to the server through {@link ServerRequest}. */
    private static final Set<String> ANSWERED_HERE = Set.of("initialize", "ping", "tools/list");

    private final Supplier<AegisConfig> config;
    private final Authenticator authenticator;
    private final RouteAdmission admission;
    private final InFlightRequests inFlight;
    private final McpServers servers;
    private final ServerRequest.Parts parts;
    private final McpSessions sessions = new McpSessions();

    public McpRoute(Supplier<AegisConfig> config, Authenticator authenticator, RouteAdmission admission, InFlightRequests inFlight,
            McpServers servers, dev.aegis.store.McpToolPins pins, CallRecorder recorder, dev.aegis.events.EventBus events,
            GatewayMetrics metrics) {
        this.config = config;
        this.authenticator = authenticator;
        this.admission = admission;
        this.inFlight = inFlight;
        this.servers = servers;
        this.parts = new ServerRequest.Parts(new ToolPins(pins), new dev.aegis.admission.RateLimiter(System::nanoTime),
                new dev.aegis.security.SecretGuard(), recorder, events, metrics);
    }

    public void register(io.javalin.config.RoutesConfig app) {
        app.post("/mcp/{name}", this::post);
        app.get("/mcp/{name}", this::get);
        app.delete("/mcp/{name}", this::delete);
        app.post("/aegis/v1/mcp/{name}/approve", this::approve);
        app.get("/aegis/v1/mcp/servers", this::status);
    }

    /** The server and the caller, or the HTTP refusal: unknown server (404), bad key (401), server not in the key's list (403). */
    private record Caller(AegisConfig config, McpUpstream server, KeyRecord key) {}

    private Caller caller(Context ctx) {
        AegisConfig cfg = config.get();
        String name = ctx.pathParam("name");
        McpUpstream server = servers.find(name).orElseThrow(() -> new ApiException(404, "mcp_server_not_found",
                "no MCP server '" + name + "' is configured (mcp.servers)"));
        KeyRecord key = null;
        try {
            key = admission.admit(ctx::header, ctx::header);
            if (!cfg.mcp().allowsServer(key.id(), key.name(), name)) {
                throw new ApiException(403, "mcp_server_not_allowed", "this key may not use the MCP server '" + name + "'");
            }
        } catch (ApiException refusal) {
            refused(ctx, name, key, refusal);
        }
        return new Caller(cfg, server, key);
    }

    /** Records a refusal before the request became one for the server (as a refused model call is), and throws it. */
    private void refused(Context ctx, String serverName, KeyRecord key, ApiException refusal) {
        if (refusal.status() == 401 || refusal.status() == 403 || refusal.status() == 429) {
            ServerRequest.recordRefusal(parts, serverName, key, RequestIds.of(ctx), refusal);
        }
        throw refusal;
    }

    private void get(Context ctx) {
        caller(ctx);
        ctx.header("Allow", "POST, DELETE");
        throw new ApiException(405, "method_not_allowed",
                "the Aegis MCP gateway opens no server-to-client stream: send requests with POST");
    }

    private void delete(Context ctx) {
        Caller c = caller(ctx);
        McpSessions.Session s = sessions.find(ctx.header(SESSION_HEADER), c.server().config().name(), c.key().id())
                .orElseThrow(() -> new ApiException(404, "mcp_session_not_found", "no such MCP session"));
        sessions.close(s);
        ctx.status(204);
    }

    private void post(Context ctx) {
        if (!inFlight.enter()) {
            throw ApiException.shuttingDown();
        }
        try {
            handle(ctx);
        } finally {
            inFlight.exit();
        }
    }

    private void handle(Context ctx) {
        Caller c = caller(ctx);
        String serverName = c.server().config().name();
        byte[] body = BodyReader.read(JavalinExchange.of(ctx), c.config().server().maxBodyBytes(), c.key().id());
        JsonNode msg;
        try {
            msg = Json.mapper().readTree(body);
        } catch (IOException e) {
            answer(ctx, 400, error(null, -32700, "parse_error", "the body is not JSON"));
            return;
        }
        if (msg == null || !msg.isObject()) {
            answer(ctx, 400, error(null, -32600, "invalid_request",
                    msg != null && msg.isArray() ? "JSON-RPC batches are not accepted: send one message per request"
                            : "the body must be one JSON-RPC message (an object)"));
            return;
        }
        JsonNode method = msg.get("method");
        JsonNode id = msg.get("id");
        if (id != null && !id.isNull() && !id.isTextual() && !id.isIntegralNumber()) {
            // JSON-RPC's ids are strings or integers: another (an object, 1e999999) would be echoed as read.
            answer(ctx, 400, error(null, -32600, "invalid_request", "the id must be a string or an integer"));
            return;
        }
        boolean toServer = method != null && method.isTextual() && id != null && !id.isNull()
                && !ANSWERED_HERE.contains(method.asText());
        if (!toServer) {
            // Checked as on model calls (400 invalid_request, 403 for another tenant or run); a request that
            // goes to the server checks them itself (ServerRequest), so its refusal is recorded.
            try {
                CallerScope.of(c.key(), ctx.header(CallerScope.TENANT_HEADER), ctx.header(CallerScope.RUN_HEADER));
                AgentHeaders.of(ctx::header);
            } catch (ApiException refusal) {
                refused(ctx, serverName, c.key(), refusal);
            }
        }
        if (method == null || !method.isTextual() || id == null || id.isNull()) {
            // A notification or a response to the server: nothing for the server to answer.
            ctx.status(202);
            return;
        }
        JsonNode params = msg.get("params");
        if (method.asText().equals("initialize")) {
            initialize(ctx, c, id, params);
            return;
        }
        String version = ctx.header(VERSION_HEADER);
        if (version != null && !ProtocolVersion.supported(version)) {
            throw new ApiException(400, "unsupported_protocol_version", "MCP-Protocol-Version '"
                    + version.substring(0, Math.min(40, version.length())) + "' is not one this gateway speaks ("
                    + String.join(", ", ProtocolVersion.SUPPORTED) + ")");
        }
        String sessionId = ctx.header(SESSION_HEADER);
        if (sessionId == null) {
            throw new ApiException(400, "mcp_session_required", "send the Mcp-Session-Id that initialize answered with");
        }
        McpSessions.Session session = sessions.find(sessionId, serverName, c.key().id())
                .orElseThrow(() -> new ApiException(404, "mcp_session_not_found",
                        "no such MCP session (it expired or was closed): initialize again"));
        ctx.header(SESSION_HEADER, session.id());
        switch (method.asText()) {
            case "ping" -> answer(ctx, 200, result(id, Json.mapper().createObjectNode()));
            case "tools/list" -> answer(ctx, 200, relayed(id, () -> toolsList(c)));
            // tools/call and every other method go to the server, checked and recorded (ServerRequest).
            default -> {
                byte[] out = new ServerRequest(parts, c.config(), c.key(), ctx::header, c.server(), RequestIds.of(ctx), method.asText())
                        .run(body, params, (response, failure) -> bytes(failure != null
                                ? error(id, failure.rpcCode(), failure.code(), failure.getMessage())
                                : withId(response, id)));
                answerBytes(ctx, 200, out);
            }
        }
    }

    private void initialize(Context ctx, Caller c, JsonNode id, JsonNode params) {
        String requested = params == null ? null : params.path("protocolVersion").asText(null);
        String version = ProtocolVersion.negotiate(requested);
        ObjectNode result = Json.mapper().createObjectNode();
        try {
            McpUpstream.Ready ready = c.server().ready();
            result.put("protocolVersion", version);
            result.set("capabilities", capabilities(ready.initializeResult().path("capabilities")));
            JsonNode info = ready.initializeResult().get("serverInfo");
            // What the server says of itself reaches the client (and its model) as a result does: scanned.
            // (initialize has no record: what the scan finds is not kept)
            Map<String, Integer> found = new TreeMap<>();
            result.set("serverInfo", info != null
                    ? ServerRequest.scanned(parts.secrets(), c.config(), c.key(), info, "the server's serverInfo", found)
                    : Json.mapper().createObjectNode().put("name", c.server().config().name()).put("version", "unknown"));
            if (ready.initializeResult().hasNonNull("instructions")) {
                result.set("instructions", ServerRequest.scanned(parts.secrets(), c.config(), c.key(),
                        ready.initializeResult().get("instructions"), "the server's instructions", found));
            }
        } catch (McpFailure f) {
            answer(ctx, 200, error(id, f.rpcCode(), f.code(), f.getMessage()));
            return;
        }
        McpSessions.Session session = sessions.open(c.server().config().name(), c.key().id(), version);
        ctx.header(SESSION_HEADER, session.id());
        answer(ctx, 200, result(id, result));
    }

    /**
     * The server's capabilities as the gateway offers them: what it relays, without what needs a
     * server-to-client stream (change notifications, subscriptions, log messages).
     */
    private static ObjectNode capabilities(JsonNode upstream) {
        ObjectNode caps = Json.mapper().createObjectNode();
        caps.putObject("tools");
        for (String relayed : List.of("resources", "prompts", "completions")) {
            if (upstream.has(relayed)) {
                caps.putObject(relayed);
            }
        }
        return caps;
    }

    /** The server's tools this key may see; the whole server is refused when its tools are not the approved ones. */
    private ObjectNode toolsList(Caller c) {
        String serverName = c.server().config().name();
        List<ObjectNode> tools = c.server().listedTools();
        parts.pins().check(serverName, tools);
        ArrayNode visible = Json.mapper().createArrayNode();
        for (ObjectNode tool : tools) {
            if (c.config().mcp().allows(c.key().id(), c.key().name(), serverName, tool.path("name").asText())) {
                visible.add(tool);
            }
        }
        ObjectNode result = Json.mapper().createObjectNode();
        result.set("tools", visible);
        return result;
    }

    /** The operator: the control token, or an admin key. */
    private void requireOperator(Context ctx) {
        if (!dev.aegis.control.ControlHandlers.carriesToken(ctx, controlToken.get())) {
            Authenticator.requireAdmin(authenticator.authenticate(ctx));
        }
    }

    /**
     * Each configured server and whether it is served now ({@code aegis mcp list}, {@code aegis doctor}):
     * {@code ok}, {@code not_approved}, {@code tools_changed} or {@code unavailable}, with the reason.
     */
    private void status(Context ctx) {
        requireOperator(ctx);
        ArrayNode out = Json.mapper().createArrayNode();
        for (McpConfig.Server s : new java.util.TreeMap<>(config.get().mcp().servers()).values()) {
            ObjectNode n = out.addObject();
            n.put("name", s.name());
            n.put("transport", s.stdio() ? "stdio" : "http");
            n.put("target", s.target());
            try {
                List<ObjectNode> tools = servers.find(s.name()).orElseThrow().listTools();
                n.put("tools", tools.size());
                parts.pins().check(s.name(), tools);
                n.put("state", "ok");
            } catch (McpFailure f) {
                n.put("state", switch (f.code()) {
                    case "mcp_server_not_approved" -> "not_approved";
                    case "mcp_tools_changed" -> "tools_changed";
                    default -> "unavailable";
                });
                n.put("message", f.getMessage());
            }
        }
        ctx.contentType("application/json").result(Json.mapper().createObjectNode().set("servers", out).toString());
    }

    /** Approves the server's current tools (control token or an admin key): {@code aegis mcp approve <server>}. */
    private void approve(Context ctx) {
        String name = ctx.pathParam("name");
        requireOperator(ctx);
        McpUpstream server = servers.find(name).orElseThrow(() -> new ApiException(404, "mcp_server_not_found",
                "no MCP server '" + name + "' is configured (mcp.servers)"));
        List<ObjectNode> tools;
        try {
            tools = server.listTools();
        } catch (McpFailure f) {
            throw new ApiException(f.status() == 504 ? 504 : 502, f.code(), f.getMessage());
        }
        List<String> changed = parts.pins().approve(name, tools);
        ObjectNode out = Json.mapper().createObjectNode().put("server", name);
        ArrayNode names = out.putArray("tools");
        tools.forEach(t -> names.add(t.path("name").asText()));
        ArrayNode diff = out.putArray("changed");
        changed.forEach(diff::add);
        ctx.contentType("application/json").result(out.toString());
    }

    private Supplier<String> controlToken = () -> "";

    /** The daemon's control token, which also authorises approvals. */
    public void controlToken(Supplier<String> token) {
        this.controlToken = token;
    }

    private interface Work {
        JsonNode run();
    }

    /** The result of a relayed or gateway-built answer, or the failure as a JSON-RPC error. */
    private static ObjectNode relayed(JsonNode id, Work work) {
        try {
            JsonNode out = work.run();
            return out.has("jsonrpc") ? (ObjectNode) out : result(id, out);
        } catch (McpFailure f) {
            return error(id, f.rpcCode(), f.code(), f.getMessage());
        }
    }

    private static ObjectNode withId(JsonNode response, JsonNode id) {
        ObjectNode out = Json.mapper().createObjectNode().put("jsonrpc", "2.0");
        out.set("id", id);
        for (Iterator<String> it = response.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (f.equals("result") || f.equals("error")) {
                out.set(f, response.get(f));
            }
        }
        return out;
    }

    private static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode out = Json.mapper().createObjectNode().put("jsonrpc", "2.0");
        out.set("id", id);
        out.set("result", result);
        return out;
    }

    static ObjectNode error(JsonNode id, int rpcCode, String code, String message) {
        ObjectNode out = Json.mapper().createObjectNode().put("jsonrpc", "2.0");
        out.set("id", id);
        ObjectNode err = out.putObject("error");
        err.put("code", rpcCode);
        err.put("message", message);
        err.putObject("data").put("code", code);
        return out;
    }

    private static byte[] bytes(JsonNode message) {
        return message.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void answer(Context ctx, int status, JsonNode message) {
        answerBytes(ctx, status, bytes(message));
    }

    /** JSON, or one SSE event when the client accepts only an event stream. */
    private static void answerBytes(Context ctx, int status, byte[] message) {
        String accept = ctx.header("Accept") == null ? "" : ctx.header("Accept").toLowerCase(Locale.ROOT);
        ctx.status(status);
        if (accept.contains("text/event-stream") && !accept.contains("application/json") && !accept.contains("*/*")) {
            ctx.contentType("text/event-stream");
            ctx.header("Cache-Control", "no-store");
            ctx.result("event: message\ndata: " + new String(message, StandardCharsets.UTF_8) + "\n\n");
        } else {
            ctx.contentType("application/json");
            ctx.result(message);
        }
    }
}
