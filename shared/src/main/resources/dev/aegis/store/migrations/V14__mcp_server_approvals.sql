-- Which MCP servers were approved (`aegis mcp approve <server>`), whatever tools they had: a server
-- approved with no tools is served while it has none, and a tool appearing later is a change.
-- Servers approved before this had pins; each becomes approved as of its pins.
CREATE TABLE mcp_server_approvals (
    server      TEXT NOT NULL PRIMARY KEY,
    approved_ms INTEGER NOT NULL
);
INSERT INTO mcp_server_approvals (server, approved_ms)
    SELECT server, MAX(approved_ms) FROM mcp_tool_pins GROUP BY server
