-- PostgreSQL's V9 (see migrations/V9__mcp_tool_calls_and_pins.sql): MCP tool calls on usage rows and
-- the approved tool definitions per MCP server.
ALTER TABLE usage ADD COLUMN mcp_server TEXT;
ALTER TABLE usage ADD COLUMN mcp_tool TEXT;
ALTER TABLE usage ADD COLUMN request_bytes BIGINT;
ALTER TABLE usage ADD COLUMN response_bytes BIGINT;
CREATE TABLE mcp_tool_pins (
    server      TEXT NOT NULL,
    tool        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    definition  TEXT NOT NULL,
    approved_ms BIGINT NOT NULL,
    PRIMARY KEY (server, tool)
)
