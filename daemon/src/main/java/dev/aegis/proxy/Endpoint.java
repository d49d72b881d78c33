package dev.aegis.proxy;

import dev.aegis.streaming.cutoff.BudgetCutoff;
import dev.aegis.streaming.cutoff.BudgetCutoffs;
import dev.aegis.streaming.failure.FailureEnding;
import dev.aegis.streaming.failure.FailureEndings;
import dev.aegis.usage.UsageExtractor;
import dev.aegis.usage.UsageExtractors;
import java.util.List;

/** The provider APIs Aegis understands, matched on the canonical path ({@link CanonicalPath}); anything else is pass-through. */
public enum Endpoint {
    CHAT_COMPLETIONS("/chat/completions"),
    RESPONSES("/responses"),
    /**
     * A Responses conversation compacted into one item (Codex's compaction): a whole answer, billed
     * like a response, with no output limit to cap.
     */
    RESPONSES_COMPACT("/responses/compact"),
    COMPLETIONS("/completions"),
    EMBEDDINGS("/embeddings"),
    MESSAGES("/messages"),
    COUNT_TOKENS("/messages/count_tokens"),
    /** OpenAI's free token count of a Responses request: read and scanned like one, not billed. */
    RESPONSES_INPUT_TOKENS("/responses/input_tokens"),
    /**
     * Forwarded unchanged to the default provider: the body is not inspected or priced, only scanned
     * for secrets; limited keys reach only {@code passthrough.allow} ({@code admission.PassthroughGuard}).
     */
    PASSTHROUGH(null);

    private final String apiPath;

    Endpoint(String apiPath) {
        this.apiPath = apiPath;
    }

    /** The path below the API version, e.g. {@code /chat/completions}; null for pass-through. */
    public String apiPath() {
        return apiPath;
    }

    /** True when Aegis reads the body (model, stream) before forwarding. */
    public boolean inspectsBody() {
        return this != PASSTHROUGH;
    }

    /** True when the provider bills the call in tokens Aegis reads from its answer (budgets hold it). */
    public boolean billed() {
        return this != PASSTHROUGH && this != COUNT_TOKENS && this != RESPONSES_INPUT_TOKENS;
    }

    /** True when the provider answers with generated tokens, billed as output (embeddings have none). */
    public boolean generates() {
        return billed() && this != EMBEDDINGS;
    }

    /** Reads this endpoint's usage from its answer. */
    public UsageExtractor usageExtractor(boolean hideUsageChunk) {
        return switch (this) {
            case CHAT_COMPLETIONS, COMPLETIONS, EMBEDDINGS -> UsageExtractors.openAiChat(hideUsageChunk);
            case RESPONSES, RESPONSES_COMPACT -> UsageExtractors.openAiResponses();
            case MESSAGES -> UsageExtractors.anthropicMessages();
            case COUNT_TOKENS, RESPONSES_INPUT_TOKENS, PASSTHROUGH -> UsageExtractors.none();
        };
    }

    /**
     * True when a stream of this endpoint carries its usage only if the request asks for it
     * ({@code stream_options.include_usage}): chat completions and legacy completions. Aegis asks, so
     * that the call is billed, and hides the extra chunk from a client that did not ask.
     */
    public boolean streamsUsageOnRequest() {
        return this == CHAT_COMPLETIONS || this == COMPLETIONS;
    }

    /** The request field that limits output, for a budget to lower; null when the endpoint has none. */
    public String outputLimitField() {
        List<String> fields = outputLimitFields();
        return fields.isEmpty() ? null : fields.getFirst();
    }

    /** The request fields that limit output, the one Aegis adds first; empty when the endpoint has none. */
    public List<String> outputLimitFields() {
        return switch (this) {
            case CHAT_COMPLETIONS -> CHAT_LIMITS;
            case RESPONSES -> RESPONSES_LIMITS;
            case COMPLETIONS, MESSAGES -> MAX_TOKENS;
            case EMBEDDINGS, RESPONSES_COMPACT, COUNT_TOKENS, RESPONSES_INPUT_TOKENS, PASSTHROUGH -> List.of();
        };
    }

    private static final List<String> CHAT_LIMITS = List.of("max_completion_tokens", "max_tokens");
    private static final List<String> RESPONSES_LIMITS = List.of("max_output_tokens");
    private static final List<String> MAX_TOKENS = List.of("max_tokens");

    /** Ends this endpoint's stream cleanly at a token budget; null when it does not stream answers. */
    public BudgetCutoff cutoff(long budget) {
        return switch (this) {
            case CHAT_COMPLETIONS -> BudgetCutoffs.chat(budget);
            case RESPONSES -> BudgetCutoffs.responses(budget);
            case MESSAGES -> BudgetCutoffs.messages(budget);
            case COMPLETIONS, EMBEDDINGS, RESPONSES_COMPACT, COUNT_TOKENS, RESPONSES_INPUT_TOKENS, PASSTHROUGH -> null;
        };
    }

    /** The protocol's error ending for a stream the provider could not finish. */
    public FailureEnding failureEnding() {
        return switch (this) {
            case CHAT_COMPLETIONS, COMPLETIONS -> FailureEndings.chat();
            case RESPONSES -> FailureEndings.responses();
            case MESSAGES -> FailureEndings.messages();
            case EMBEDDINGS, RESPONSES_COMPACT, COUNT_TOKENS, RESPONSES_INPUT_TOKENS, PASSTHROUGH -> FailureEnding.NONE;
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
