-- PostgreSQL's V14 (see migrations/V14__mcp_server_approvals.sql): which MCP servers were approved,
-- whatever tools they had; servers approved before this are approved as of their pins.
CREATE TABLE mcp_server_approvals (
    server      TEXT NOT NULL PRIMARY KEY,
    approved_ms BIGINT NOT NULL
);
INSERT INTO mcp_server_approvals (server, approved_ms)
    SELECT server, MAX(approved_ms) FROM mcp_tool_pins GROUP BY server
