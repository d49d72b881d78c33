package dev.aegis.proxy;

import dev.aegis.usage.UsageExtractor;
import dev.aegis.usage.UsageExtractors;

/** The provider APIs Aegis understands; anything else is forwarded as it is. */
public enum Endpoint {
    CHAT_COMPLETIONS("/chat/completions"),
    RESPONSES("/responses"),
    COMPLETIONS("/completions"),
    EMBEDDINGS("/embeddings"),
    MESSAGES("/messages"),
    COUNT_TOKENS("/messages/count_tokens"),
    /** Forwarded unchanged to the default provider: the body is not inspected or priced. */
    PASSTHROUGH(null);

    private final String apiPath;

    Endpoint(String apiPath) {
        this.apiPath = apiPath;
    }

    /** True when Aegis reads the body (model, stream) before forwarding. */
    public boolean inspectsBody() {
        return this != PASSTHROUGH;
    }

    /** Reads this endpoint's usage from its answer. */
    public UsageExtractor usageExtractor(boolean hideUsageChunk) {
        return switch (this) {
            case CHAT_COMPLETIONS, COMPLETIONS, EMBEDDINGS -> UsageExtractors.openAiChat(hideUsageChunk);
            case RESPONSES -> UsageExtractors.openAiResponses();
            case MESSAGES -> UsageExtractors.anthropicMessages();
            case COUNT_TOKENS, PASSTHROUGH -> UsageExtractors.none();
        };
    }

    /** The endpoint for a method and a path below the API version ({@code /chat/completions}). */
    public static Endpoint of(String method, String apiPath) {
        if ("POST".equals(method)) {
            for (Endpoint e : values()) {
                if (apiPath.equals(e.apiPath)) {
                    return e;
                }
            }
        }
        return PASSTHROUGH;
    }
}
