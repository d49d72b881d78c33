package dev.aegis.store;

/**
 * One call as recorded (SPEC §6). Token counts are normalised across protocols.
 *
 * @param errorCode Aegis's refusal code or the provider's error, null on success
 * @param costNanos exact cost in nano-USD
 * @param complete false when the answer was cut short (provider cut, stall, or no end seen)
 * @param secrets kinds and counts of the secrets found in the prompt (redacted or blocked), never values
 * @param agentSession the coding agent's session, sub-agent and client, as its headers say
 * @param toolCall the MCP server, tool and bytes of a tool call (route {@code /mcp/<server>}), null for model calls
 */
public record UsageRow(
        long tsMillis,
        String requestId,
        String keyId,
        String tenant,
        String runId,
        String route,
        String modelRequested,
        String model,
        String provider,
        int status,
        String errorCode,
        long inputTokens,
        long cachedInputTokens,
        long cacheWriteTokens,
        long outputTokens,
        long reasoningTokens,
        long costNanos,
        boolean unpriced,
        String priceVersion,
        Double latencyMs,
        Double firstByteMs,
        boolean streamed,
        boolean complete,
        SecretFindings secrets,
        AgentSession agentSession,
        ToolCall toolCall) {

    /**
     * What an MCP request relayed: the server, the tool (null for requests other than {@code tools/call}),
     * and the bytes of its JSON-RPC request and answer as relayed.
     */
    public record ToolCall(String server, String tool, long requestBytes, long responseBytes) {}

    public UsageRow {
        secrets = secrets == null ? SecretFindings.NONE : secrets;
        agentSession = agentSession == null ? AgentSession.NONE : agentSession;
    }

    /** A model call (no MCP tool). */
    public UsageRow(long tsMillis, String requestId, String keyId, String tenant, String runId, String route,
            String modelRequested, String model, String provider, int status, String errorCode, long inputTokens,
            long cachedInputTokens, long cacheWriteTokens, long outputTokens, long reasoningTokens, long costNanos,
            boolean unpriced, String priceVersion, Double latencyMs, Double firstByteMs, boolean streamed,
            boolean complete, SecretFindings secrets, AgentSession agentSession) {
        this(tsMillis, requestId, keyId, tenant, runId, route, modelRequested, model, provider, status, errorCode,
                inputTokens, cachedInputTokens, cacheWriteTokens, outputTokens, reasoningTokens, costNanos, unpriced,
                priceVersion, latencyMs, firstByteMs, streamed, complete, secrets, agentSession, null);
    }

    /** A call no agent session is known for. */
    public UsageRow(long tsMillis, String requestId, String keyId, String tenant, String runId, String route,
            String modelRequested, String model, String provider, int status, String errorCode, long inputTokens,
            long cachedInputTokens, long cacheWriteTokens, long outputTokens, long reasoningTokens, long costNanos,
            boolean unpriced, String priceVersion, Double latencyMs, Double firstByteMs, boolean streamed,
            boolean complete, SecretFindings secrets) {
        this(tsMillis, requestId, keyId, tenant, runId, route, modelRequested, model, provider, status, errorCode,
                inputTokens, cachedInputTokens, cacheWriteTokens, outputTokens, reasoningTokens, costNanos, unpriced,
                priceVersion, latencyMs, firstByteMs, streamed, complete, secrets, AgentSession.NONE, null);
    }

    /** A call whose prompt held no secret (or was not scanned). */
    public UsageRow(long tsMillis, String requestId, String keyId, String tenant, String runId, String route,
            String modelRequested, String model, String provider, int status, String errorCode, long inputTokens,
            long cachedInputTokens, long cacheWriteTokens, long outputTokens, long reasoningTokens, long costNanos,
            boolean unpriced, String priceVersion, Double latencyMs, Double firstByteMs, boolean streamed,
            boolean complete) {
        this(tsMillis, requestId, keyId, tenant, runId, route, modelRequested, model, provider, status, errorCode,
                inputTokens, cachedInputTokens, cacheWriteTokens, outputTokens, reasoningTokens, costNanos, unpriced,
                priceVersion, latencyMs, firstByteMs, streamed, complete, SecretFindings.NONE);
    }
}
