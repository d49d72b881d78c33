package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.streaming.SseEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An OpenAI chat completions stream as Anthropic Messages events: {@code message_start} at the
 * first chunk, a text block for content deltas, a {@code tool_use} block per tool call (arguments as
 * {@code input_json_delta}), each block closed with {@code content_block_stop} before the next
 * opens; at {@code [DONE]} the {@code message_delta} with the stop reason and the usage (from the
 * usage chunk the request asked for), then {@code message_stop}. An error line becomes an
 * {@code error} event.
 */
public final class ChatEventsAsMessages implements EventTranslator {

    private boolean started;
    private int nextBlock;
    private int openBlock = -1;
    private boolean openIsText;
    private final Map<Integer, Integer> blockByTool = new HashMap<>();
    private String stopReason = "end_turn";
    private JsonNode usage = Translated.object();

    @Override
    public List<SseEvent> translate(SseEvent upstream) {
        String data = upstream.data();
        if (data == null) {
            return List.of();
        }
        List<SseEvent> out = new ArrayList<>();
        if (data.equals("[DONE]")) {
            closeBlock(out);
            ObjectNode delta = Translated.object().put("type", "message_delta");
            delta.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
            delta.set("usage", ChatAnswerAsMessages.usage(usage));
            out.add(Sse.named("message_delta", delta));
            out.add(Sse.named("message_stop", Translated.object().put("type", "message_stop")));
            return out;
        }
        JsonNode chunk = Translated.parse(data);
        if (chunk.path("error").isObject()) {
            ObjectNode error = Translated.object().put("type", "error");
            error.putObject("error").put("type", "api_error")
                    .put("message", chunk.at("/error/message").asText("the provider failed"));
            out.add(Sse.named("error", error));
            return out;
        }
        if (!started) {
            started = true;
            out.add(messageStart(chunk));
        }
        if (chunk.path("usage").isObject()) {
            usage = chunk.path("usage");
        }
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String text = delta.path("content").isTextual() ? delta.path("content").asText() : "";
        if (!text.isEmpty()) {
            if (openBlock < 0 || !openIsText) {
                closeBlock(out);
                openBlock(out, Translated.object().put("type", "text").put("text", ""), true);
            }
            ObjectNode d = Translated.object().put("type", "text_delta").put("text", text);
            out.add(blockDelta(d));
        }
        for (JsonNode call : delta.path("tool_calls")) {
            int tool = call.path("index").asInt(blockByTool.size());
            if (!blockByTool.containsKey(tool)) {
                closeBlock(out);
                ObjectNode block = Translated.object().put("type", "tool_use").put("id", call.path("id").asText())
                        .put("name", call.at("/function/name").asText());
                block.putObject("input");
                blockByTool.put(tool, nextBlock);
                openBlock(out, block, false);
            }
            String args = call.at("/function/arguments").asText("");
            if (!args.isEmpty() && blockByTool.get(tool) == openBlock) {
                out.add(blockDelta(Translated.object().put("type", "input_json_delta").put("partial_json", args)));
            }
        }
        if (choice.path("finish_reason").isTextual()) {
            stopReason = StopReasons.toStopReason(choice.path("finish_reason").asText());
            closeBlock(out);
        }
        return out;
    }

    private SseEvent messageStart(JsonNode chunk) {
        ObjectNode message = Translated.object().put("id", ChatAnswerAsMessages.messageId(chunk.path("id").asText()))
                .put("type", "message").put("role", "assistant").put("model", chunk.path("model").asText());
        message.putArray("content");
        message.putNull("stop_reason").putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", 0).put("output_tokens", 0);
        ObjectNode start = Translated.object().put("type", "message_start");
        start.set("message", message);
        return Sse.named("message_start", start);
    }

    private void openBlock(List<SseEvent> out, ObjectNode block, boolean text) {
        openBlock = nextBlock++;
        openIsText = text;
        ObjectNode start = Translated.object().put("type", "content_block_start").put("index", openBlock);
        start.set("content_block", block);
        out.add(Sse.named("content_block_start", start));
    }

    private SseEvent blockDelta(ObjectNode delta) {
        ObjectNode event = Translated.object().put("type", "content_block_delta").put("index", openBlock);
        event.set("delta", delta);
        return Sse.named("content_block_delta", event);
    }

    private void closeBlock(List<SseEvent> out) {
        if (openBlock >= 0) {
            out.add(Sse.named("content_block_stop",
                    Translated.object().put("type", "content_block_stop").put("index", openBlock)));
            openBlock = -1;
        }
    }
}
