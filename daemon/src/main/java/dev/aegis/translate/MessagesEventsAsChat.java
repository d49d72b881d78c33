package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.streaming.SseEvent;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An Anthropic Messages stream as OpenAI chat completion chunks: {@code message_start} opens with
 * the assistant role, text deltas become content deltas, {@code tool_use} blocks tool call deltas
 * (arguments streamed as they come), {@code message_delta} the chunk with the finish reason; at
 * {@code message_stop} the usage chunk (when the client asked for it) and {@code [DONE]}. An
 * {@code error} event becomes an OpenAI error line.
 */
public final class MessagesEventsAsChat implements EventTranslator {

    private final boolean includeUsage;
    private final long created;
    private final Map<Integer, Integer> toolByBlock = new HashMap<>();
    private String id = "msg_aegis";
    private String model = "";
    private final StreamedAnthropicUsage usage = new StreamedAnthropicUsage();

    /** @param includeUsage the client asked for {@code stream_options.include_usage} */
    public MessagesEventsAsChat(boolean includeUsage, Clock clock) {
        this.includeUsage = includeUsage;
        this.created = clock.instant().getEpochSecond();
    }

    @Override
    public List<SseEvent> translate(SseEvent upstream) {
        String type = upstream.event();
        if (type == null || upstream.data() == null) {
            return List.of();
        }
        JsonNode data = Translated.parse(upstream.data());
        return switch (type) {
            case "message_start" -> {
                JsonNode msg = data.path("message");
                id = msg.path("id").asText(id);
                model = msg.path("model").asText(model);
                usage.lay(msg.path("usage"));
                yield List.of(chunk(Translated.object().put("role", "assistant").put("content", ""), null));
            }
            case "content_block_start" -> blockStart(data);
            case "content_block_delta" -> blockDelta(data);
            case "message_delta" -> {
                usage.lay(data.path("usage"));
                String finish = StopReasons.toFinishReason(data.at("/delta/stop_reason").asText(null));
                yield finish == null ? List.of() : List.of(chunk(Translated.object(), finish));
            }
            case "message_stop" -> includeUsage ? List.of(usageChunk(), Sse.data("[DONE]")) : List.of(Sse.data("[DONE]"));
            case "error" -> {
                ObjectNode error = Translated.object();
                error.putObject("error").put("message", data.at("/error/message").asText("the provider failed"))
                        .put("type", data.at("/error/type").asText("server_error")).putNull("code").putNull("param");
                yield List.of(Sse.data(error.toString()));
            }
            default -> List.of(); // ping, content_block_stop
        };
    }

    private List<SseEvent> blockStart(JsonNode data) {
        JsonNode block = data.path("content_block");
        if ("tool_use".equals(block.path("type").asText())) {
            int tool = toolByBlock.size();
            toolByBlock.put(data.path("index").asInt(), tool);
            ObjectNode call = Translated.object().put("index", tool).put("id", block.path("id").asText())
                    .put("type", "function");
            call.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
            ObjectNode delta = Translated.object();
            delta.putArray("tool_calls").add(call);
            return List.of(chunk(delta, null));
        }
        if ("text".equals(block.path("type").asText()) && !block.path("text").asText().isEmpty()) {
            return List.of(chunk(Translated.object().put("content", block.path("text").asText()), null));
        }
        return List.of();
    }

    private List<SseEvent> blockDelta(JsonNode data) {
        JsonNode delta = data.path("delta");
        switch (delta.path("type").asText()) {
            case "text_delta" -> {
                return List.of(chunk(Translated.object().put("content", delta.path("text").asText()), null));
            }
            case "input_json_delta" -> {
                Integer tool = toolByBlock.get(data.path("index").asInt());
                if (tool == null) {
                    return List.of();
                }
                ObjectNode call = Translated.object().put("index", tool);
                call.putObject("function").put("arguments", delta.path("partial_json").asText());
                ObjectNode out = Translated.object();
                out.putArray("tool_calls").add(call);
                return List.of(chunk(out, null));
            }
            default -> {
                return List.of(); // thinking and signature deltas have no chat equivalent
            }
        }
    }

    private ObjectNode base() {
        return Translated.object().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                .put("model", model);
    }

    private SseEvent chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = base();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return Sse.data(chunk.toString());
    }

    private SseEvent usageChunk() {
        ObjectNode chunk = base();
        chunk.putArray("choices");
        chunk.set("usage", MessagesAnswerAsChat.usage(usage.current()));
        return Sse.data(chunk.toString());
    }
}
