package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.streaming.SseEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * An Anthropic Messages stream as the Responses API's event sequence, the one Codex reads:
 * {@code response.created} and {@code response.in_progress}; per text block an output message item
 * ({@code output_item.added}, {@code content_part.added}, {@code output_text.delta}...,
 * {@code output_text.done}, {@code content_part.done}, {@code output_item.done}); per tool_use block a
 * {@code function_call} item with its arguments streamed; then {@code response.completed} (or
 * {@code response.incomplete} at {@code max_tokens}) with every item and the usage. Every event
 * carries its {@code sequence_number}. An {@code error} event becomes the Responses {@code error} event.
 */
public final class MessagesEventsAsResponses implements EventTranslator {

    private final long createdAt;
    private long sequence;
    private ObjectNode response = ResponsesShapes.response("resp_aegis", "", 0, "in_progress");
    private String messageId = "msg_aegis";
    private final StreamedAnthropicUsage usage = new StreamedAnthropicUsage();
    private String stopReason;
    private final List<ObjectNode> done = new ArrayList<>();
    private Open open;

    /** The output item being streamed: a message (text) or a function call. */
    private static final class Open {
        final ObjectNode item;
        final int outputIndex;
        final StringBuilder content = new StringBuilder();
        final boolean text;

        Open(ObjectNode item, int outputIndex, boolean text) {
            this.item = item;
            this.outputIndex = outputIndex;
            this.text = text;
        }
    }

    public MessagesEventsAsResponses(Clock clock) {
        this.createdAt = clock.instant().getEpochSecond();
    }

    @Override
    public List<SseEvent> translate(SseEvent upstream) {
        String type = upstream.event();
        if (type == null || upstream.data() == null) {
            return List.of();
        }
        JsonNode data = Translated.parse(upstream.data());
        List<SseEvent> out = new ArrayList<>();
        switch (type) {
            case "message_start" -> {
                JsonNode msg = data.path("message");
                messageId = msg.path("id").asText(messageId);
                usage.lay(msg.path("usage"));
                response = ResponsesShapes.response(ResponsesShapes.responseId(messageId), msg.path("model").asText(),
                        createdAt, "in_progress");
                out.add(withResponse("response.created"));
                out.add(withResponse("response.in_progress"));
            }
            case "content_block_start" -> start(data.path("content_block"), out);
            case "content_block_delta" -> delta(data.path("delta"), out);
            case "content_block_stop" -> stop(out);
            case "message_delta" -> {
                usage.lay(data.path("usage"));
                stopReason = data.at("/delta/stop_reason").asText(stopReason);
            }
            case "message_stop" -> {
                stop(out);
                ArrayNode items = response.putArray("output");
                done.forEach(items::add);
                ResponsesShapes.finish(response, stopReason);
                response.set("usage", ResponsesShapes.usage(usage.current()));
                out.add(withResponse("incomplete".equals(response.path("status").asText())
                        ? "response.incomplete" : "response.completed"));
            }
            case "error" -> out.add(event("error", Translated.object().put("type", "error")
                    .put("code", data.at("/error/type").asText("server_error"))
                    .put("message", data.at("/error/message").asText("the provider failed")).putNull("param")));
            default -> { } // ping
        }
        return out;
    }

    private void start(JsonNode block, List<SseEvent> out) {
        stop(out);
        int index = done.size();
        switch (block.path("type").asText()) {
            case "text" -> {
                String id = done.isEmpty() ? messageId : messageId + "_" + index;
                open = new Open(ResponsesShapes.message(id, "in_progress", null), index, true);
                out.add(event("response.output_item.added", itemEvent("response.output_item.added")));
                ObjectNode part = Translated.object().put("type", "response.content_part.added")
                        .put("item_id", id).put("output_index", index).put("content_index", 0);
                part.set("part", ResponsesShapes.outputText(""));
                out.add(event("response.content_part.added", part));
                open.content.append(block.path("text").asText(""));
            }
            case "tool_use" -> {
                open = new Open(ResponsesShapes.functionCall(block.path("id").asText(), block.path("name").asText(),
                        "", "in_progress"), index, false);
                out.add(event("response.output_item.added", itemEvent("response.output_item.added")));
            }
            default -> open = null; // thinking blocks have no Responses output item here
        }
    }

    private void delta(JsonNode delta, List<SseEvent> out) {
        if (open == null) {
            return;
        }
        String itemId = open.item.path("id").asText();
        if (open.text && "text_delta".equals(delta.path("type").asText())) {
            String text = delta.path("text").asText();
            open.content.append(text);
            ObjectNode e = Translated.object().put("type", "response.output_text.delta").put("item_id", itemId)
                    .put("output_index", open.outputIndex).put("content_index", 0).put("delta", text);
            e.putArray("logprobs");
            out.add(event("response.output_text.delta", e));
        } else if (!open.text && "input_json_delta".equals(delta.path("type").asText())) {
            String json = delta.path("partial_json").asText();
            open.content.append(json);
            out.add(event("response.function_call_arguments.delta", Translated.object()
                    .put("type", "response.function_call_arguments.delta").put("item_id", itemId)
                    .put("output_index", open.outputIndex).put("delta", json)));
        }
    }

    private void stop(List<SseEvent> out) {
        if (open == null) {
            return;
        }
        String itemId = open.item.path("id").asText();
        String content = open.content.toString();
        if (open.text) {
            ObjectNode textDone = Translated.object().put("type", "response.output_text.done").put("item_id", itemId)
                    .put("output_index", open.outputIndex).put("content_index", 0).put("text", content);
            textDone.putArray("logprobs");
            out.add(event("response.output_text.done", textDone));
            ObjectNode partDone = Translated.object().put("type", "response.content_part.done").put("item_id", itemId)
                    .put("output_index", open.outputIndex).put("content_index", 0);
            partDone.set("part", ResponsesShapes.outputText(content));
            out.add(event("response.content_part.done", partDone));
            ((ArrayNode) open.item.path("content")).add(ResponsesShapes.outputText(content));
        } else {
            String arguments = content.isEmpty() ? "{}" : content;
            out.add(event("response.function_call_arguments.done", Translated.object()
                    .put("type", "response.function_call_arguments.done").put("item_id", itemId)
                    .put("output_index", open.outputIndex).put("arguments", arguments)));
            open.item.put("arguments", arguments);
        }
        open.item.put("status", "completed");
        out.add(event("response.output_item.done", itemEvent("response.output_item.done")));
        done.add(open.item);
        open = null;
    }

    private ObjectNode itemEvent(String type) {
        ObjectNode e = Translated.object().put("type", type).put("output_index", open.outputIndex);
        e.set("item", open.item.deepCopy());
        return e;
    }

    private SseEvent withResponse(String type) {
        ObjectNode e = Translated.object().put("type", type);
        e.set("response", response.deepCopy());
        return event(type, e);
    }

    private SseEvent event(String name, ObjectNode data) {
        data.put("sequence_number", sequence++);
        return Sse.named(name, data);
    }
}
