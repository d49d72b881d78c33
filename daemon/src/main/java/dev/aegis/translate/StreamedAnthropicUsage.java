package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An Anthropic stream's usage as it stands: {@code message_start}'s, with each count a
 * {@code message_delta} gives laid over it (a delta's counts are cumulative; one it gives as null
 * keeps the start's), as the bill reads it ({@code usage.AnthropicUsageExtractor}).
 */
final class StreamedAnthropicUsage {

    private final ObjectNode usage = Translated.object();

    /** Lays an event's {@code usage} over what is known. */
    void lay(JsonNode eventUsage) {
        if (eventUsage.isObject()) {
            eventUsage.properties().forEach(e -> {
                if (!e.getValue().isNull()) {
                    usage.set(e.getKey(), e.getValue().deepCopy());
                }
            });
        }
    }

    /** The usage now, in Anthropic's shape. */
    ObjectNode current() {
        return usage.deepCopy();
    }
}
