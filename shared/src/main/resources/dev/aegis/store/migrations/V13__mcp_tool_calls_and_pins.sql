-- MCP tool calls are usage rows (route /mcp/<server>): which server and tool, and the bytes of the
-- call's arguments and of its result as relayed. NULL on model calls.
ALTER TABLE usage ADD COLUMN mcp_server TEXT;
ALTER TABLE usage ADD COLUMN mcp_tool TEXT;
ALTER TABLE usage ADD COLUMN request_bytes INTEGER;
ALTER TABLE usage ADD COLUMN response_bytes INTEGER;
-- Tool definitions approved with `aegis mcp approve <server>`: the SHA-256 of each tool's canonical
-- JSON. A server whose tools differ from its pins is refused until approved again.
CREATE TABLE mcp_tool_pins (
    server      TEXT NOT NULL,
    tool        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    definition  TEXT NOT NULL,
    approved_ms INTEGER NOT NULL,
    PRIMARY KEY (server, tool)
)
