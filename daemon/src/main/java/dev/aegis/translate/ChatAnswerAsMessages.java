package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A whole OpenAI {@code chat.completion} as an Anthropic message: text and tool_use blocks, stop reason, usage. */
public final class ChatAnswerAsMessages {

    private ChatAnswerAsMessages() {}

    public static byte[] translate(byte[] chatBody) {
        JsonNode chat = Translated.parse(chatBody);
        JsonNode choice = chat.path("choices").path(0);
        JsonNode message = choice.path("message");
        ObjectNode out = Translated.object().put("id", messageId(chat.path("id").asText()))
                .put("type", "message").put("role", "assistant").put("model", chat.path("model").asText());
        ArrayNode content = out.putArray("content");
        String text = message.path("content").isNull() ? "" : Translated.text(message.path("content"));
        if (!text.isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode use = content.addObject().put("type", "tool_use").put("id", call.path("id").asText())
                    .put("name", call.at("/function/name").asText());
            JsonNode input = Translated.parse(call.at("/function/arguments").asText("{}"));
            use.set("input", input.isObject() ? input : Translated.object());
        }
        out.put("stop_reason", StopReasons.toStopReason(choice.path("finish_reason").asText("stop")));
        out.putNull("stop_sequence");
        out.set("usage", usage(chat.path("usage")));
        return Translated.bytes(out);
    }

    static String messageId(String chatId) {
        return chatId.isEmpty() ? "msg_aegis" : chatId.startsWith("msg_") ? chatId : "msg_" + chatId;
    }

    /** OpenAI usage as Anthropic's: the uncached input apart from cache reads and cache writes. */
    static ObjectNode usage(JsonNode u) {
        long cached = u.at("/prompt_tokens_details/cached_tokens").asLong(0);
        long written = u.at("/prompt_tokens_details/cache_write_tokens").asLong(0);
        return Translated.object().put("input_tokens", Math.max(0, u.path("prompt_tokens").asLong(0) - cached - written))
                .put("cache_creation_input_tokens", written).put("cache_read_input_tokens", cached)
                .put("output_tokens", u.path("completion_tokens").asLong(0));
    }
}
