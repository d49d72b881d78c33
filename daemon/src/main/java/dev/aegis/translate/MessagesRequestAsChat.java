package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An Anthropic Messages request as an OpenAI chat completions request: {@code system} becomes the
 * first message; {@code tool_result} blocks become {@code tool} messages (placed before the rest of
 * their user turn), {@code tool_use} blocks assistant {@code tool_calls}, images data URLs or links;
 * thinking blocks stay behind. A stream asks for its usage chunk, which the answer's translation
 * turns into the final {@code message_delta} usage.
 */
public final class MessagesRequestAsChat {

    private MessagesRequestAsChat() {}

    /**
     * @param model the model the provider knows
     * @param outputCap a budget's limit on output tokens, or null
     * @param outputField the provider's output limit field ({@code max_completion_tokens} for OpenAI,
     *     {@code max_tokens} for OpenAI-compatible servers)
     */
    public static byte[] translate(byte[] messagesBody, String model, Integer outputCap, String outputField) {
        JsonNode req = Translated.parse(messagesBody);
        ObjectNode out = Translated.object().put("model", model);
        ArrayNode messages = out.putArray("messages");
        JsonNode system = req.path("system");
        if (!system.isMissingNode() && !system.isNull()) {
            String text = Translated.text(system);
            if (!text.isEmpty()) {
                messages.addObject().put("role", "system").put("content", text);
            }
        }
        for (JsonNode m : req.path("messages")) {
            if ("assistant".equals(m.path("role").asText())) {
                assistant(m.path("content"), messages);
            } else {
                user(m.path("content"), messages);
            }
        }
        if (req.path("max_tokens").canConvertToLong() || outputCap != null) {
            long max = req.path("max_tokens").asLong(Long.MAX_VALUE);
            out.put(outputField, outputCap == null ? max : Math.min(max, outputCap));
        }
        Translated.copy(req, "stop_sequences", out, "stop");
        Translated.copy(req, "temperature", out, "temperature");
        Translated.copy(req, "top_p", out, "top_p");
        if (req.path("stream").asBoolean(false)) {
            out.put("stream", true);
            out.putObject("stream_options").put("include_usage", true);
        }
        tools(req, out);
        if (req.at("/metadata/user_id").isTextual()) {
            out.put("user", req.at("/metadata/user_id").asText());
        }
        return Translated.bytes(out);
    }

    private static void user(JsonNode content, ArrayNode messages) {
        if (content.isTextual()) {
            messages.addObject().put("role", "user").put("content", content.asText());
            return;
        }
        ArrayNode parts = Translated.array();
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "tool_result" -> messages.addObject().put("role", "tool")
                        .put("tool_call_id", block.path("tool_use_id").asText())
                        .put("content", Translated.text(block.path("content")));
                case "text" -> parts.addObject().put("type", "text").put("text", block.path("text").asText());
                case "image" -> {
                    JsonNode source = block.path("source");
                    String url = "base64".equals(source.path("type").asText())
                            ? "data:" + source.path("media_type").asText() + ";base64," + source.path("data").asText()
                            : source.path("url").asText();
                    parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
                }
                default -> { } // documents, thinking: no chat equivalent
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        boolean allText = true;
        for (JsonNode p : parts) {
            allText &= "text".equals(p.path("type").asText());
        }
        ObjectNode message = messages.addObject().put("role", "user");
        if (allText) {
            message.put("content", Translated.text(parts));
        } else {
            message.set("content", parts);
        }
    }

    private static void assistant(JsonNode content, ArrayNode messages) {
        ObjectNode message = Translated.object().put("role", "assistant");
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Translated.array();
        if (content.isTextual()) {
            text.append(content.asText());
        }
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> {
                    ObjectNode call = calls.addObject().put("id", block.path("id").asText()).put("type", "function");
                    call.putObject("function").put("name", block.path("name").asText())
                            .put("arguments", block.path("input").isMissingNode() ? "{}" : block.path("input").toString());
                }
                default -> { }
            }
        }
        if (text.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        if (!text.isEmpty() || !calls.isEmpty()) {
            messages.add(message);
        }
    }

    private static void tools(JsonNode req, ObjectNode out) {
        ArrayNode tools = Translated.array();
        for (JsonNode t : req.path("tools")) {
            if (!t.path("input_schema").isObject()) {
                continue; // server tools (web search...) exist only at Anthropic
            }
            ObjectNode fn = tools.addObject().put("type", "function").putObject("function")
                    .put("name", t.path("name").asText());
            Translated.copy(t, "description", fn, "description");
            fn.set("parameters", t.path("input_schema").deepCopy());
        }
        if (tools.isEmpty()) {
            return;
        }
        out.set("tools", tools);
        JsonNode choice = req.path("tool_choice");
        switch (choice.path("type").asText("auto")) {
            case "any" -> out.put("tool_choice", "required");
            case "none" -> out.put("tool_choice", "none");
            case "tool" -> out.putObject("tool_choice").put("type", "function").putObject("function")
                    .put("name", choice.path("name").asText());
            default -> out.put("tool_choice", "auto");
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
            out.put("parallel_tool_calls", false);
        }
    }
}
