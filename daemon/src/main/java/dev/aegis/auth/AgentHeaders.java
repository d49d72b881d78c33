package dev.aegis.auth;

import dev.aegis.ids.Ids;
import dev.aegis.store.AgentSession;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The coding-agent session a call belongs to, read from the headers the agents already send:
 * Claude Code's {@code x-claude-code-session-id} and {@code x-claude-code-agent-id} (a sub-agent), Codex's
 * {@code session-id} or {@code thread-id} (older releases: {@code session_id}, {@code conversation_id}) and
 * {@code originator} (the client). The first session header present wins, in that order. Ids are checked
 * as run ids are (at most {@link Ids#SESSION_MAX} / {@link Ids#AGENT_MAX} / {@link Ids#CLIENT_MAX}
 * characters, no control character: 400 {@code invalid_request}). A session is its key's: budgets count
 * it per key (see {@code BudgetTracker}), so a caller cannot spend another key's session.
 */
public final class AgentHeaders {

    public static final String CLAUDE_SESSION = "x-claude-code-session-id";
    public static final String CLAUDE_AGENT = "x-claude-code-agent-id";
    public static final String ORIGINATOR = "originator";
    /** The session headers, in the order they are looked for. */
    public static final List<String> SESSION_HEADERS =
            List.of(CLAUDE_SESSION, "session-id", "thread-id", "session_id", "conversation_id");
    /** The client of a call that carries Claude Code's headers or user agent. */
    static final String CLAUDE_CODE = "claude-code";

    private AgentHeaders() {}

    /** @param header a request header by name, null when absent */
    public static AgentSession of(UnaryOperator<String> header) {
        String session = null;
        for (String name : SESSION_HEADERS) {
            session = CallerScope.headerId(name, header.apply(name), Ids.SESSION_MAX);
            if (session != null) {
                break;
            }
        }
        String agent = CallerScope.headerId(CLAUDE_AGENT, header.apply(CLAUDE_AGENT), Ids.AGENT_MAX);
        String client = CallerScope.headerId(ORIGINATOR, header.apply(ORIGINATOR), Ids.CLIENT_MAX);
        if (client == null && (header.apply(CLAUDE_SESSION) != null || isClaudeCli(header.apply("User-Agent")))) {
            client = CLAUDE_CODE;
        }
        return session == null && agent == null && client == null ? AgentSession.NONE
                : new AgentSession(session, agent, client);
    }

    /** Claude Code's user agent: {@code claude-cli/2.0.14 (external, cli)}. */
    private static boolean isClaudeCli(String userAgent) {
        return userAgent != null && userAgent.startsWith("claude-cli/");
    }
}
