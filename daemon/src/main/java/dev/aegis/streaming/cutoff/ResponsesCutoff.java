package dev.aegis.streaming.cutoff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import dev.aegis.streaming.SseEvent;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Responses API: the output item open when the budget runs out, closed as what it is with what the
 * client was sent of it, as {@code response.output_item.done} (Codex takes its answer from it), then
 * {@code response.incomplete} with reason {@code max_output_tokens} holding every item of the answer.
 *
 * <p>What an event adds is kept only once the client was sent it (when the next event comes): the
 * event that takes the answer over the budget is withheld, so neither its text nor its sequence
 * number is in the ending. An open function call is closed as a function call with the arguments
 * streamed so far and status {@code incomplete}: it was closed as a message repeating the answer's
 * text, and the real message left out of the response (an outside review).
 */
final class ResponsesCutoff extends BudgetCutoff {

    private ObjectNode response = Json.mapper().createObjectNode().put("id", "resp_aegis").put("object", "response");
    /** The items the client was sent whole, by output index. */
    private final SortedMap<Integer, JsonNode> done = new TreeMap<>();
    /** The item the client was sent the start of and not the end; null between items. */
    private ObjectNode open;
    private int openIndex;
    /** The open item's text so far, by content index (a message's parts). */
    private final SortedMap<Integer, StringBuilder> openText = new TreeMap<>();
    /** The open item's arguments (a function call) or input (a custom tool call) so far. */
    private final StringBuilder openInput = new StringBuilder();
    /** The sequence number of the last event the client was sent. */
    private long sentSequence;
    /** What the event just observed adds, applied once it was sent (at the next event). */
    private Runnable pending;

    ResponsesCutoff(long budget) {
        super(budget);
    }

    @Override
    protected long observe(SseEvent event) {
        if (pending != null) {
            pending.run(); // the event before this one reached the client
            pending = null;
        }
        JsonNode data = event.json();
        if (data == null) {
            return 0;
        }
        long sequence = data.path("sequence_number").asLong(-1);
        String type = data.path("type").asText("");
        Runnable adds = adds(type, data);
        pending = () -> {
            if (sequence >= 0) {
                sentSequence = sequence;
            }
            adds.run();
        };
        return type.endsWith(".delta") ? tokens(data.path("delta").asText(null)) : 0;
    }

    /** What an event of {@code type} adds to the answer the ending restates. */
    private Runnable adds(String type, JsonNode data) {
        return switch (type) {
            case "response.created" -> () -> {
                if (data.path("response").isObject()) {
                    response = (ObjectNode) data.path("response").deepCopy();
                }
            };
            case "response.output_item.added" -> () -> {
                if (data.path("item").isObject()) {
                    open = (ObjectNode) data.path("item").deepCopy();
                    openIndex = data.path("output_index").asInt(done.isEmpty() ? 0 : done.lastKey() + 1);
                    openText.clear();
                    openInput.setLength(0);
                }
            };
            case "response.output_item.done" -> () -> {
                int index = data.path("output_index").asInt(openIndex);
                done.put(index, data.path("item").deepCopy());
                if (open != null && index == openIndex) {
                    open = null;
                }
            };
            case "response.output_text.delta" -> () -> openText
                    .computeIfAbsent(data.path("content_index").asInt(0), i -> new StringBuilder())
                    .append(data.path("delta").asText(""));
            case "response.function_call_arguments.delta", "response.custom_tool_call_input.delta" ->
                    () -> openInput.append(data.path("delta").asText(""));
            default -> () -> { };
        };
    }

    @Override
    protected String ending() {
        StringBuilder sb = new StringBuilder();
        long sequence = sentSequence;
        SortedMap<Integer, JsonNode> output = new TreeMap<>(done);
        if (open != null) {
            ObjectNode item = closed(open);
            output.put(openIndex, item);
            ObjectNode itemDone = Json.mapper().createObjectNode().put("type", "response.output_item.done")
                    .put("sequence_number", ++sequence).put("output_index", openIndex);
            itemDone.set("item", item);
            sb.append(event("response.output_item.done", itemDone));
        }
        ObjectNode r = response.deepCopy();
        r.put("status", "incomplete");
        r.putObject("incomplete_details").put("reason", "max_output_tokens");
        ArrayNode items = r.putArray("output");
        for (Map.Entry<Integer, JsonNode> e : output.entrySet()) {
            items.add(e.getValue().deepCopy());
        }
        ObjectNode incomplete = Json.mapper().createObjectNode().put("type", "response.incomplete")
                .put("sequence_number", ++sequence);
        incomplete.set("response", r);
        return sb.append(event("response.incomplete", incomplete)).toString();
    }

    /** The open item as the client was sent it, closed: status incomplete, with its text or arguments so far. */
    private ObjectNode closed(ObjectNode item) {
        ObjectNode c = item.deepCopy();
        c.put("status", "incomplete");
        switch (c.path("type").asText("")) {
            case "message" -> {
                c.put("role", c.path("role").asText("assistant"));
                ArrayNode content = c.putArray("content");
                for (StringBuilder text : openText.values()) {
                    content.addObject().put("type", "output_text").put("text", text.toString()).putArray("annotations");
                }
            }
            case "function_call" -> c.put("arguments", openInput.toString());
            case "custom_tool_call" -> c.put("input", openInput.toString());
            default -> { } // as it was announced: a reasoning item, a hosted tool's call
        }
        return c;
    }
}
