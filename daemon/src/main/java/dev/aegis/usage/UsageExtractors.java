package dev.aegis.usage;

import dev.aegis.streaming.SseEvent;

/** The extractor for each protocol. */
public final class UsageExtractors {

    private UsageExtractors() {}

    /** Chat completions, legacy completions, embeddings; {@code hideUsageChunk} when Aegis asked for the usage chunk. */
    public static UsageExtractor openAiChat(boolean hideUsageChunk) {
        return new ChatUsageExtractor(hideUsageChunk);
    }

    public static UsageExtractor openAiResponses() {
        return new ResponsesUsageExtractor();
    }

    public static UsageExtractor anthropicMessages() {
        return new AnthropicUsageExtractor();
    }

    /** For answers that carry no billable usage (pass-through routes, token counting). */
    public static UsageExtractor none() {
        return new UsageExtractor() {
            private boolean end;

            @Override
            public boolean onEvent(SseEvent event) {
                return true;
            }

            @Override
            public void onBody(byte[] body) {
                end = true;
            }

            @Override
            public TokenUsage usage() {
                return TokenUsage.NONE;
            }

            @Override
            public String serviceTier() {
                return null;
            }

            @Override
            public boolean sawEnd() {
                return end;
            }
        };
    }
}
