package dev.aegis.streaming.cutoff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import dev.aegis.streaming.SseEvent;

/**
 * Responses API: the message streamed so far as {@code response.output_item.done} (Codex takes its
 * answer from it), then {@code response.incomplete} with reason {@code max_output_tokens}.
 */
final class ResponsesCutoff extends BudgetCutoff {

    private ObjectNode response = Json.mapper().createObjectNode().put("id", "resp_aegis").put("object", "response");
    private String itemId = "msg_aegis";
    private int outputIndex;
    private long sequence;
    private final StringBuilder text = new StringBuilder();

    ResponsesCutoff(long budget) {
        super(budget);
    }

    @Override
    protected long observe(SseEvent event) {
        JsonNode data = event.json();
        if (data == null) {
            return 0;
        }
        sequence = data.path("sequence_number").asLong(sequence);
        String type = data.path("type").asText("");
        if (type.equals("response.created") && data.path("response").isObject()) {
            response = (ObjectNode) data.path("response").deepCopy();
        } else if (type.equals("response.output_item.added")) {
            itemId = data.path("item").path("id").asText(itemId);
            outputIndex = data.path("output_index").asInt(outputIndex);
        } else if (type.equals("response.output_text.delta")) {
            String delta = data.path("delta").asText("");
            text.append(delta);
            return tokens(delta);
        } else if (type.endsWith(".delta")) {
            return tokens(data.path("delta").asText(null));
        }
        return 0;
    }

    @Override
    protected String ending() {
        ObjectNode item = Json.mapper().createObjectNode()
                .put("id", itemId).put("type", "message").put("status", "incomplete").put("role", "assistant");
        ObjectNode part = item.putArray("content").addObject().put("type", "output_text").put("text", text.toString());
        part.putArray("annotations");
        ObjectNode itemDone = Json.mapper().createObjectNode().put("type", "response.output_item.done")
                .put("sequence_number", ++sequence).put("output_index", outputIndex);
        itemDone.set("item", item);
        ObjectNode r = response.deepCopy();
        r.put("status", "incomplete");
        r.putObject("incomplete_details").put("reason", "max_output_tokens");
        ArrayNode output = r.putArray("output");
        output.add(item.deepCopy());
        ObjectNode incomplete = Json.mapper().createObjectNode().put("type", "response.incomplete")
                .put("sequence_number", ++sequence);
        incomplete.set("response", r);
        return event("response.output_item.done", itemDone) + event("response.incomplete", incomplete);
    }
}
