package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.streaming.SseEvent;
import java.nio.charset.StandardCharsets;

/** Builds the server-sent events a translator emits. */
final class Sse {

    private Sse() {}

    /** An event with an {@code event:} name (Anthropic style). */
    static SseEvent named(String name, JsonNode data) {
        String text = data.toString();
        return new SseEvent(("event: " + name + "\ndata: " + text + "\n\n").getBytes(StandardCharsets.UTF_8), name, text);
    }

    /** A bare {@code data:} event (OpenAI chat style). */
    static SseEvent data(String text) {
        return new SseEvent(("data: " + text + "\n\n").getBytes(StandardCharsets.UTF_8), null, text);
    }
}
