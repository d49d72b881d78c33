package dev.aegis.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The tool definitions approved per MCP server ({@code mcp_tool_pins}): each tool's SHA-256 over its
 * canonical JSON; and which servers were approved ({@code mcp_server_approvals}), so a server approved
 * with no tools is told from one never approved. Written by {@code aegis mcp approve <server>} (through the daemon), read by the
 * MCP gateway, which refuses a server whose tools no longer match.
 */
public final class McpToolPins {

    /** One approved tool: its hash and its definition as approved (canonical JSON). */
    public record Pin(String sha256, String definition) {}

    private final Database db;

    public McpToolPins(Database db) {
        this.db = db;
    }

    /** The server's approved tools by name (none, for a server approved with no tools); empty when it was never approved. */
    public Optional<Map<String, Pin>> pins(String server) {
        return db.read(c -> {
            try (PreparedStatement approval = c.prepareStatement("SELECT 1 FROM mcp_server_approvals WHERE server = ?")) {
                approval.setString(1, server);
                try (ResultSet rs = approval.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT tool, sha256, definition FROM mcp_tool_pins WHERE server = ? ORDER BY tool")) {
                ps.setString(1, server);
                Map<String, Pin> out = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new Pin(rs.getString(2), rs.getString(3)));
                    }
                }
                return Optional.of(out);
            }
        });
    }

    /** Approves the server with these tools (perhaps none), replacing its pins, in one transaction. */
    public void approve(String server, Map<String, Pin> tools, long nowMillis) {
        db.write(c -> {
            for (String table : new String[] {"mcp_tool_pins", "mcp_server_approvals"}) {
                try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE server = ?")) {
                    del.setString(1, server);
                    del.executeUpdate();
                }
            }
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO mcp_server_approvals (server, approved_ms) VALUES (?, ?)")) {
                ins.setString(1, server);
                ins.setLong(2, nowMillis);
                ins.executeUpdate();
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
