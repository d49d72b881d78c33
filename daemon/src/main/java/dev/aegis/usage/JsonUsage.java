package dev.aegis.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;
import java.io.IOException;

/** Reading usage objects out of provider JSON, tolerant of missing fields and non-JSON text. */
final class JsonUsage {

    private JsonUsage() {}

    static JsonNode parse(String text) {
        try {
            return text == null ? null : Json.mapper().readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    static JsonNode parse(byte[] bytes) {
        try {
            return Json.mapper().readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    static long count(JsonNode node, String path) {
        JsonNode n = node.at(path);
        return n.canConvertToLong() ? Math.max(0, n.asLong()) : 0;
    }

    /** OpenAI chat, legacy completions and embeddings: {@code prompt_tokens}, {@code completion_tokens}. */
    static TokenUsage openAiChat(JsonNode usage) {
        return new TokenUsage(count(usage, "/prompt_tokens"), count(usage, "/prompt_tokens_details/cached_tokens"), 0,
                count(usage, "/completion_tokens"), count(usage, "/completion_tokens_details/reasoning_tokens"));
    }

    /** OpenAI Responses: {@code input_tokens} with {@code cached_tokens}, {@code output_tokens} with {@code reasoning_tokens}. */
    static TokenUsage openAiResponses(JsonNode usage) {
        return new TokenUsage(count(usage, "/input_tokens"), count(usage, "/input_tokens_details/cached_tokens"), 0,
                count(usage, "/output_tokens"), count(usage, "/output_tokens_details/reasoning_tokens"));
    }
}
