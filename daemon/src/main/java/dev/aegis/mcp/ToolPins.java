package dev.aegis.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import dev.aegis.receipts.CanonicalJson;
import dev.aegis.receipts.Receipts;
import dev.aegis.store.McpToolPins;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tool definitions pinned by approval: each tool's SHA-256 over its canonical JSON (keys sorted, so
 * the server's key order does not matter; every field counts: description, input and output schema,
 * annotations). A server is served only while its tools are exactly the approved ones; a server
 * approved with no tools is served while it has none.
 */
final class ToolPins {

    private final McpToolPins store;
    /** Per server, its approved tools; empty when it was never approved (an approval may pin no tool at all). */
    private final Map<String, Optional<Map<String, McpToolPins.Pin>>> cache = new ConcurrentHashMap<>();
    /**
     * Per server, the tool list last found to match its pins: the server's list is read again only
     * now and then ({@link McpUpstream#currentTools}), so a tool call checks a list once, not every time.
     */
    private final Map<String, List<ObjectNode>> matched = new ConcurrentHashMap<>();

    ToolPins(McpToolPins store) {
        this.store = store;
    }

    /**
     * Refuses a server never approved, or whose tools differ from those approved.
     *
     * @throws McpFailure {@code mcp_server_not_approved} or {@code mcp_tools_changed}
     */
    void check(String server, List<ObjectNode> tools) {
        if (matched.get(server) == tools) {
            return;
        }
        Optional<Map<String, McpToolPins.Pin>> approved = cache.computeIfAbsent(server, store::pins);
        if (approved.isEmpty()) {
            throw new McpFailure(McpFailure.SERVER_ERROR - 3, "mcp_server_not_approved", 403,
                    "the MCP server '" + server + "' has not been approved: review its tools, then run "
                            + "`aegis mcp approve " + server + "`");
        }
        Map<String, McpToolPins.Pin> pins = approved.get();
        Map<String, McpToolPins.Pin> now = pinsOf(tools);
        TreeSet<String> changed = new TreeSet<>();
        for (String name : now.keySet()) {
            McpToolPins.Pin pin = pins.get(name);
            if (pin == null || !pin.sha256().equals(now.get(name).sha256())) {
                changed.add(name);
            }
        }
        for (String name : pins.keySet()) {
            if (!now.containsKey(name)) {
                changed.add(name);
            }
        }
        if (!changed.isEmpty()) {
            throw new McpFailure(McpFailure.SERVER_ERROR - 4, "mcp_tools_changed", 403,
                    "the tools of MCP server '" + server + "' changed since they were approved (" + String.join(", ", changed)
                            + "): it is refused until `aegis mcp approve " + server + "` approves them again");
        }
        matched.put(server, tools);
    }

    /** Pins these tools as the server's approved ones; returns the names of those that differ from the old pins. */
    List<String> approve(String server, List<ObjectNode> tools) {
        Map<String, McpToolPins.Pin> old = store.pins(server).orElse(Map.of());
        Map<String, McpToolPins.Pin> now = pinsOf(tools);
        store.approve(server, now, System.currentTimeMillis());
        cache.remove(server);
        matched.remove(server);
        TreeSet<String> changed = new TreeSet<>();
        now.forEach((name, pin) -> {
            if (!pin.equals(old.get(name))) {
                changed.add(name);
            }
        });
        old.keySet().stream().filter(n -> !now.containsKey(n)).forEach(changed::add);
        return List.copyOf(changed);
    }

    /**
     * True when the tool is one of the server's approved tools (which a metric label may name: a bounded
     * set); false when the store cannot say (a call's record never fails on it).
     */
    boolean pinned(String server, String tool) {
        try {
            return cache.computeIfAbsent(server, store::pins).map(p -> p.containsKey(tool)).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Map<String, McpToolPins.Pin> pinsOf(List<ObjectNode> tools) {
        Map<String, McpToolPins.Pin> out = new LinkedHashMap<>();
        for (ObjectNode tool : tools) {
            @SuppressWarnings("unchecked")
            TreeMap<String, Object> canonical = Json.mapper().convertValue(tool, TreeMap.class);
            byte[] bytes = CanonicalJson.bytes(canonical);
            out.put(tool.path("name").asText(),
                    new McpToolPins.Pin(Receipts.sha256Hex(bytes), new String(bytes, StandardCharsets.UTF_8)));
        }
        return out;
    }
}
