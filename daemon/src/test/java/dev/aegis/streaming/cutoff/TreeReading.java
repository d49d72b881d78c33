package dev.aegis.streaming.cutoff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;

/** The oracle the streaming reading of a chat chunk is held to (ChatChunkFieldsTest, ChatChunkFieldsFuzzTest). */
final class TreeReading {

    private TreeReading() {}

    /** ChatCutoff's reading of a chunk as a Jackson tree (its reading before the streaming pass), with "absent" made visible; null when not JSON. */
    static ChatChunkFields of(String json) {
        JsonNode chunk;
        try {
            chunk = Json.mapper().readTree(json);
        } catch (Exception e) {
            return null;
        }
        if (chunk == null) {
            return null;
        }
        String absent = "\u0000absent";
        String id = chunk.path("id").asText(absent);
        String model = chunk.path("model").asText(absent);
        long created = chunk.path("created").asLong(Long.MIN_VALUE);
        long tokens = 0;
        for (JsonNode choice : chunk.path("choices")) {
            tokens += BudgetCutoff.tokens(choice.path("delta").path("content").asText(null));
            for (JsonNode call : choice.path("delta").path("tool_calls")) {
                tokens += BudgetCutoff.tokens(call.path("function").path("arguments").asText(null));
            }
        }
        return new ChatChunkFields(id.equals(absent) ? null : id, model.equals(absent) ? null : model,
                created == Long.MIN_VALUE ? null : created, tokens);
    }
}
