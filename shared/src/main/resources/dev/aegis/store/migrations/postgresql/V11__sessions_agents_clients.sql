-- PostgreSQL's V9; see migrations/V9__sessions_agents_clients.sql.
-- The coding agent's session, sub-agent and client (Claude Code's x-claude-code-session-id and
-- x-claude-code-agent-id, Codex's session-id and originator) on each call, and a key's budget per
-- session: tokens, and cost in nano-USD. Sessions, like runs, are not rolled up: reports by session,
-- agent or client read the raw rows.
ALTER TABLE usage ADD COLUMN session_id TEXT;
ALTER TABLE usage ADD COLUMN agent_id TEXT;
ALTER TABLE usage ADD COLUMN client TEXT;
CREATE INDEX usage_session ON usage (session_id);
ALTER TABLE api_keys ADD COLUMN session_token_budget BIGINT;
ALTER TABLE api_keys ADD COLUMN session_budget_nanos BIGINT
