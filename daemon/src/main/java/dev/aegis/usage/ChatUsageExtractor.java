package dev.aegis.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.streaming.SseEvent;

/**
 * OpenAI chat completions, legacy completions and embeddings. Streamed usage comes in a final
 * chunk with empty {@code choices}; when Aegis asked for it on the client's behalf, that chunk is
 * hidden from the client.
 */
final class ChatUsageExtractor extends OpenAiUsageExtractor {

    private final boolean hideUsageChunk;

    ChatUsageExtractor(boolean hideUsageChunk) {
        super(JsonUsage::openAiChat);
        this.hideUsageChunk = hideUsageChunk;
    }

    @Override
    public boolean onEvent(SseEvent event) {
        String data = event.data();
        if (data == null) {
            return true;
        }
        if (data.equals("[DONE]")) {
            end = true;
            return true;
        }
        if (!JsonUsage.mayHoldUsageObject(data)) {
            return true;
        }
        JsonNode chunk = event.json();
        if (chunk == null || !chunk.path("usage").isObject()) {
            return true;
        }
        usage = read(chunk.path("usage"));
        tier(chunk.path("service_tier"));
        boolean usageOnly = chunk.path("choices").isArray() && chunk.path("choices").isEmpty();
        return !(hideUsageChunk && usageOnly);
    }
}
