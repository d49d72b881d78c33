package dev.aegis.store;

/**
 * Which coding-agent session a call belongs to, as the client says (issue 28): the session, the
 * sub-agent within it, and the client program. Any part may be null.
 *
 * @param sessionId Claude Code's {@code x-claude-code-session-id}, Codex's {@code session-id} (or an older spelling)
 * @param agentId Claude Code's {@code x-claude-code-agent-id}: the sub-agent that made the call
 * @param client Codex's {@code originator}, or {@code claude-code}
 */
public record AgentSession(String sessionId, String agentId, String client) {

    public static final AgentSession NONE = new AgentSession(null, null, null);
}
