package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;

/** A whole Anthropic message as an OpenAI {@code chat.completion}: text joined, tool_use as tool_calls, usage normalised. */
public final class MessagesAnswerAsChat {

    private MessagesAnswerAsChat() {}

    public static byte[] translate(byte[] messageBody, Clock clock) {
        JsonNode msg = Translated.parse(messageBody);
        ObjectNode out = Translated.object().put("id", msg.path("id").asText("msg_aegis"))
                .put("object", "chat.completion").put("created", clock.instant().getEpochSecond())
                .put("model", msg.path("model").asText());
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Translated.array();
        for (JsonNode block : msg.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> {
                    ObjectNode call = calls.addObject().put("id", block.path("id").asText()).put("type", "function");
                    call.putObject("function").put("name", block.path("name").asText())
                            .put("arguments", block.path("input").toString());
                }
                default -> { }
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        message.putNull("refusal");
        choice.put("finish_reason", StopReasons.toFinishReason(msg.path("stop_reason").asText("end_turn")));
        choice.putNull("logprobs");
        out.set("usage", usage(msg.path("usage")));
        return Translated.bytes(out);
    }

    /**
     * Anthropic usage as OpenAI's: prompt tokens count cache reads and writes, as §6 of the SPEC does,
     * with each in its detail ({@code cached_tokens}, {@code cache_write_tokens}); the thinking part of
     * the output is its {@code reasoning_tokens}.
     */
    static ObjectNode usage(JsonNode u) {
        AnthropicCounts c = AnthropicCounts.of(u);
        ObjectNode out = Translated.object().put("prompt_tokens", c.input()).put("completion_tokens", c.output())
                .put("total_tokens", c.input() + c.output());
        out.putObject("prompt_tokens_details").put("cached_tokens", c.cacheRead()).put("cache_write_tokens", c.cacheWrite());
        out.putObject("completion_tokens_details").put("reasoning_tokens", c.thinking());
        return out;
    }
}
