package dev.aegis.streaming.cutoff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import dev.aegis.streaming.SseEvent;

/** Chat completions: a final chunk with {@code finish_reason: "length"}, then {@code [DONE]}. */
final class ChatCutoff extends BudgetCutoff {

    private String id = "chatcmpl-aegis";
    private String model = "";
    private long created;

    ChatCutoff(long budget) {
        super(budget);
    }

    @Override
    protected long observe(SseEvent event) {
        if (event.data() == null || !event.data().startsWith("{")) {
            return 0;
        }
        ChatChunkFields fields = ChatChunkFields.read(event.data());
        if (fields == null) {
            return observe(event.json());
        }
        id = fields.id() == null ? id : fields.id();
        model = fields.model() == null ? model : fields.model();
        created = fields.created() == null ? created : fields.created();
        return fields.tokens();
    }

    /** A chunk of an unusual form (a field twice, or of another type), or not JSON: read as a tree. */
    private long observe(JsonNode chunk) {
        if (chunk == null) {
            return 0;
        }
        id = chunk.path("id").asText(id);
        model = chunk.path("model").asText(model);
        created = chunk.path("created").asLong(created);
        long tokens = 0;
        for (JsonNode choice : chunk.path("choices")) {
            tokens += tokens(choice.path("delta").path("content").asText(null));
            for (JsonNode call : choice.path("delta").path("tool_calls")) {
                tokens += tokens(call.path("function").path("arguments").asText(null));
            }
        }
        return tokens;
    }

    @Override
    protected String ending() {
        ObjectNode chunk = Json.mapper().createObjectNode()
                .put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
        chunk.putArray("choices").addObject().put("index", 0).<ObjectNode>set("delta", Json.mapper().createObjectNode())
                .putNull("logprobs").put("finish_reason", "length");
        return event(null, chunk) + "data: [DONE]\n\n";
    }
}
