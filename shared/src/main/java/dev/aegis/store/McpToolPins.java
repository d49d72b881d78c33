package dev.aegis.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tool definitions approved per MCP server ({@code mcp_tool_pins}): each tool's SHA-256 over its
 * canonical JSON. Written by {@code aegis mcp approve <server>} (through the daemon), read by the
 * MCP gateway, which refuses a server whose tools no longer match.
 */
public final class McpToolPins {

    /** One approved tool: its hash and its definition as approved (canonical JSON). */
    public record Pin(String sha256, String definition) {}

    private final Database db;

    public McpToolPins(Database db) {
        this.db = db;
    }

    /** The server's approved tools by name; empty when it was never approved. */
    public Map<String, Pin> pins(String server) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT tool, sha256, definition FROM mcp_tool_pins WHERE server = ? ORDER BY tool")) {
                ps.setString(1, server);
                Map<String, Pin> out = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new Pin(rs.getString(2), rs.getString(3)));
                    }
                }
                return out;
            }
        });
    }

    /** Replaces the server's pins with these tools, in one transaction. */
    public void approve(String server, Map<String, Pin> tools, long nowMillis) {
        db.write(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM mcp_tool_pins WHERE server = ?")) {
                del.setString(1, server);
                del.executeUpdate();
            }
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO mcp_tool_pins (server, tool, sha256, definition, approved_ms) VALUES (?, ?, ?, ?, ?)")) {
                for (Map.Entry<String, Pin> e : tools.entrySet()) {
                    ins.setString(1, server);
                    ins.setString(2, e.getKey());
                    ins.setString(3, e.getValue().sha256());
                    ins.setString(4, e.getValue().definition());
                    ins.setLong(5, nowMillis);
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            return null;
        });
    }
}
