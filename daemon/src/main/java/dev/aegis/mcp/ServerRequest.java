package dev.aegis.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.admission.RateLimiter;
import dev.aegis.auth.AgentHeaders;
import dev.aegis.auth.CallerScope;
import dev.aegis.config.AegisConfig;
import dev.aegis.config.RateLimitRule;
import dev.aegis.events.EventBus;
import dev.aegis.http.ApiException;
import dev.aegis.json.Json;
import dev.aegis.keys.KeyRecord;
import dev.aegis.metrics.GatewayMetrics;
import dev.aegis.records.CallRecorder;
import dev.aegis.records.Exchange;
import dev.aegis.security.SecretGuard;
import dev.aegis.store.AgentSession;
import dev.aegis.store.SecretFindings;
import dev.aegis.store.UsageRow;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * One request the gateway forwards to an MCP server, {@code tools/call} or a relayed method
 * ({@code resources/read}, {@code prompts/get}, ...: {@link #relay}). A {@code tools/call}, in order: the tenant and run the caller names
 * ({@link CallerScope}) and the coding agent's session headers, checked as on model calls (400
 * {@code invalid_request}, 403 {@code tenant_not_allowed} / {@code run_not_allowed}), the key's
 * allowlist, its tool-call rate, the server's pinned tools, the arguments (and the rest of its
 * params) through the secret scanner, the call, the result (or the server's error) through the scanner. Whatever the outcome, the call is recorded: a usage row (route {@code /mcp/<server>},
 * provider {@code mcp:<server>}, model the tool, the tenant, run and agent's session), a signed receipt when
 * receipts are on, a live event, and the tool-call metrics. A record names the tool only when it is one of
 * the server's approved tools, and {@link #UNKNOWN_TOOL} otherwise: the name is the client's own string,
 * which could be anything (a secret included).
 *
 * <p>A relayed method goes through the same scope, session, records and rate checks, then only to a
 * key that may use at least one of the server's approved tools, its params and result through the
 * scanner, and is recorded the same way with the method as the tool, in parentheses
 * ({@code (resources/read)}). A method outside MCP's own is not relayed (its name is the client's
 * string, which could carry a secret to the server): refused {@code method_not_found} and recorded
 * as {@link #OTHER_METHOD}. A server's error answer goes through the scanner too.
 */
final class ServerRequest {

    /** What the gateway needs for every request to a server. */
    record Parts(ToolPins pins, RateLimiter limiter, SecretGuard secrets, CallRecorder recorder, EventBus events,
            GatewayMetrics metrics) {}

    /** What a record names a tool that is not one of the server's approved tools (no MCP tool has this name). */
    static final String UNKNOWN_TOOL = "(unknown)";

    static final String TOOLS_CALL = "tools/call";

    /** MCP's methods a server's clients send, other than the tools' and the session's, as records name them. */
    private static final Set<String> RELAYED_METHODS = Set.of("resources/list",
            "resources/templates/list", "resources/read", "resources/subscribe", "resources/unsubscribe", "prompts/list",
            "prompts/get", "completion/complete", "logging/setLevel");

    /** What a record names a relayed method that is not one of MCP's own (any string a client sends). */
    static final String OTHER_METHOD = "(other method)";

    private final Parts parts;
    private final AegisConfig config;
    private final KeyRecord key;
    private final UnaryOperator<String> headers;
    private final McpUpstream server;
    private final String requestId;
    /** {@link #TOOLS_CALL} or a method relayed as it is. */
    private final String method;
    private final long startMillis = System.currentTimeMillis();
    private final long startNanos = System.nanoTime();
    private final Map<String, Integer> secretCounts = new TreeMap<>();
    /** The tool as recorded: an approved tool's name, or {@link #UNKNOWN_TOOL}; null when the request names none. */
    private String tool;
    private String tenant;
    private String runId;
    private AgentSession agentSession = AgentSession.NONE;
    private int status = 200;
    private String errorCode;

    /** @param headers the request's headers by name: the coding agent's session, as on model calls ({@link AgentHeaders}) */
    ServerRequest(Parts parts, AegisConfig config, KeyRecord key, UnaryOperator<String> headers, McpUpstream server,
            String requestId, String method) {
        this.parts = parts;
        this.config = config;
        this.key = key;
        this.headers = headers;
        this.server = server;
        this.requestId = requestId;
        this.method = method;
        this.tenant = key.tenant(); // a call refused for its scope is recorded under the key's own
        this.runId = key.runId();
    }

    /**
     * Runs the call and records it.
     *
     * @param request the client's JSON-RPC request as sent
     * @param answer makes the client's answer from the server's response (or a failure) and returns its bytes
     */
    byte[] run(byte[] request, JsonNode params, Answer answer) {
        byte[] answerBytes = null;
        try {
            JsonNode response = TOOLS_CALL.equals(method) ? call(params) : relay(params);
            answerBytes = answer.of(response, null);
        } catch (McpFailure f) {
            status = f.status();
            errorCode = f.code();
            answerBytes = answer.of(null, f);
        } catch (ApiException e) {
            // Refused before JSON-RPC (a bad session header): Aegis's usual error, and still a record.
            status = e.status();
            errorCode = e.code();
            throw e;
        } finally {
            record(request, answerBytes);
        }
        return answerBytes;
    }

    /** Turns the server's response or a failure into the bytes sent to the client. */
    interface Answer {
        byte[] of(JsonNode response, McpFailure failure);
    }

    private JsonNode call(JsonNode params) {
        String serverName = server.config().name();
        JsonNode name = params == null ? null : params.get("name");
        if (name == null || !name.isTextual()) {
            throw new McpFailure(McpFailure.INVALID_PARAMS, "invalid_request", 400, "tools/call needs params.name, a string");
        }
        String requested = name.asText();
        tool = parts.pins().pinned(serverName, requested) ? requested : UNKNOWN_TOOL;
        admit();
        if (!config.mcp().allows(key.id(), key.name(), serverName, requested)) {
            throw new McpFailure(McpFailure.INVALID_PARAMS, "tool_not_allowed", 403,
                    "unknown tool: '" + requested + "' is not among the tools this key may use on '" + serverName + "'");
        }
        rateLimit();
        List<ObjectNode> tools = server.currentTools();
        parts.pins().check(serverName, tools);
        if (tools.stream().noneMatch(t -> requested.equals(t.path("name").asText()))) {
            throw new McpFailure(McpFailure.INVALID_PARAMS, "tool_not_found", 404,
                    "unknown tool: '" + serverName + "' has no tool '" + requested + "'");
        }
        ObjectNode forwarded = params.deepCopy();
        if (forwarded.has("arguments")) {
            forwarded.set("arguments", scanned(forwarded.get("arguments"), "the tool call's arguments"));
        }
        // Whatever else the client put in params (_meta, fields of its own) goes to the server too.
        ObjectNode rest = forwarded.deepCopy();
        rest.remove(List.of("name", "arguments"));
        if (!rest.isEmpty()) {
            scanned(rest, "the tool call's params").properties().forEach(e -> forwarded.set(e.getKey(), e.getValue()));
        }
        ObjectNode answer = scannedAnswer(server.request(TOOLS_CALL, forwarded), "the tool call's ");
        if (answer.path("result").path("isError").asBoolean(false)) {
            errorCode = "tool_error";
        }
        return answer;
    }

    /**
     * A method other than the tools' (resources, prompts, completion, ...), relayed as it is: for a key
     * that may use some of the server's tools, once those are approved, with what goes out and what
     * comes back scanned for secrets as a tool call's are.
     */
    private JsonNode relay(JsonNode params) {
        String serverName = server.config().name();
        boolean known = RELAYED_METHODS.contains(method);
        tool = known ? "(" + method + ")" : OTHER_METHOD;
        admit();
        if (!known) {
            // Not relayed: its name is the client's own string, which could carry anything to the server.
            throw new McpFailure(McpFailure.METHOD_NOT_FOUND, "method_not_found", 404,
                    "Aegis relays MCP's own methods only (" + String.join(", ", new TreeSet<>(RELAYED_METHODS))
                            + ", and the tools'); this one is not among them");
        }
        List<ObjectNode> tools = server.currentTools();
        parts.pins().check(serverName, tools);
        if (tools.stream().noneMatch(t -> config.mcp().allows(key.id(), key.name(), serverName, t.path("name").asText()))) {
            throw new McpFailure(McpFailure.INVALID_PARAMS, "tool_not_allowed", 403,
                    "this key may use none of the tools of '" + serverName + "', so nothing else of it either");
        }
        rateLimit();
        String what = "the " + method + " call's ";
        return scannedAnswer(server.request(method, params == null ? null : scanned(params, what + "params")), what);
    }

    /**
     * The server's answer as it may reach the client: its result, or else its JSON-RPC error (its
     * message and data), through the scanner; an answer without a result is recorded 502 {@code mcp_error}.
     *
     * @param what names the request in a refusal ("the tool call's "), "result" or "error" follows
     */
    private ObjectNode scannedAnswer(JsonNode response, String what) {
        ObjectNode copy = response.deepCopy();
        if (response.has("result")) {
            copy.set("result", scanned(response.get("result"), what + "result"));
            copy.remove("error"); // a response is one or the other: an error beside a result is neither relayed nor scanned
            return copy;
        }
        status = 502;
        errorCode = "mcp_error";
        if (response.has("error")) {
            copy.set("error", scanned(response.get("error"), what + "error"));
        }
        return copy;
    }

    /** The tenant and run the caller names, the agent's session, and room in the records: as on model calls. */
    private void admit() {
        CallerScope scope = CallerScope.of(key, headers.apply(CallerScope.TENANT_HEADER), headers.apply(CallerScope.RUN_HEADER));
        tenant = scope.tenant();
        runId = scope.run();
        agentSession = AgentHeaders.of(headers);
        if (parts.recorder().full()) {
            throw new McpFailure(McpFailure.SERVER_ERROR - 7, "records_unavailable", 503,
                    "Aegis cannot write its records right now, so it takes no MCP request that would go unrecorded; retry shortly");
        }
    }

    /** The key's {@code mcp.tool_calls_per_minute}: tool calls and relayed requests alike. */
    private void rateLimit() {
        int perMinute = config.mcp().toolCallsPerMinute(key.id(), key.name());
        if (perMinute > 0) {
            RateLimiter.Verdict v = parts.limiter().acquire("mcp:" + key.id(),
                    List.of(new RateLimitRule(Duration.ofMinutes(1), perMinute, 0, false)));
            if (v != null && !v.allowed()) {
                throw new McpFailure(McpFailure.SERVER_ERROR - 5, "rate_limited", 429, "this key may make " + perMinute
                        + " tool calls a minute (mcp.tool_calls_per_minute; other requests to MCP servers count too); retry in "
                        + v.retryAfterMs() + " ms");
            }
        }
    }

    /** The value as it may pass: unchanged, or redacted; in block mode a secret refuses the call. */
    private JsonNode scanned(JsonNode value, String what) {
        return scanned(parts.secrets(), config, key, value, what, secretCounts);
    }

    /**
     * A value going to or coming from an MCP server as it may pass, scanned in the key's secrets mode:
     * unchanged, or redacted; in block mode a secret refuses it (403 {@code secret_detected}).
     *
     * @param what names the value in a refusal ("the tool call's arguments")
     * @param counts receives the kinds and counts found
     */
    static JsonNode scanned(SecretGuard secrets, AegisConfig config, KeyRecord key, JsonNode value, String what,
            Map<String, Integer> counts) {
        SecretGuard.Scan scan = secrets.scan(config.secrets(), key.secretsMode(config.secrets().mode()));
        if (scan == null) {
            return value;
        }
        try {
            byte[] bytes = Json.mapper().writeValueAsBytes(value);
            byte[] passed;
            try {
                passed = scan.opaque(bytes);
            } finally {
                scan.findings().counts().forEach((kind, n) -> counts.merge(kind, n, Integer::sum));
            }
            return passed == bytes ? value : Json.mapper().readTree(passed);
        } catch (ApiException e) {
            throw new McpFailure(McpFailure.SERVER_ERROR - 6, "secret_detected", 403, what
                    + " holds a secret (" + String.join(", ", scan.findings().counts().keySet())
                    + "): Aegis blocked it. Add it to security.secrets.allow if it is not a secret.");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void record(byte[] request, byte[] answer) {
        String serverName = server.config().name();
        record(parts, new UsageRow(startMillis, requestId, key.id(), tenant, runId, "/mcp/" + serverName,
                tool, tool, "mcp:" + serverName, status, errorCode, 0, 0, 0, 0, 0, 0, false, null,
                (System.nanoTime() - startNanos) / 1e6, null, false, status < 500, SecretFindings.of(secretCounts), agentSession,
                new UsageRow.ToolCall(serverName, tool, request.length, answer == null ? 0 : answer.length)),
                key == null ? null : key.name(), request, answer);
    }

    /**
     * Records a request refused before it became one for the server (a bad key, a server or a run the key may
     * not use): a usage row (tool none), a receipt and a live event, as a refused model call has.
     *
     * @param key null when the key itself was refused
     */
    static void recordRefusal(Parts parts, String serverName, KeyRecord key, String requestId, ApiException refusal) {
        record(parts, new UsageRow(System.currentTimeMillis(), requestId, key == null ? null : key.id(),
                key == null ? null : key.tenant(), key == null ? null : key.runId(), "/mcp/" + serverName, null, null, "mcp:" + serverName, refusal.status(),
                refusal.code(), 0, 0, 0, 0, 0, 0, false, null, 0.0, null, false, true, SecretFindings.NONE, AgentSession.NONE,
                new UsageRow.ToolCall(serverName, null, 0, 0)),
                key == null ? null : key.name(), new byte[0], null);
    }

    private static void record(Parts parts, UsageRow row, String keyName, byte[] request, byte[] answer) {
        // the tool was set from the server's approved tools already: no second look at the pins
        parts.metrics().toolCall(row, row.model() != null && !UNKNOWN_TOOL.equals(row.model()));
        parts.events().publish(row, keyName);
        parts.recorder().record(row, new Exchange(request, answer, null, null, false));
    }
}
