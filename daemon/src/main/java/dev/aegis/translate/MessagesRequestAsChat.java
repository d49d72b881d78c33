package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An Anthropic Messages request as an OpenAI chat completions request: {@code system} becomes the
 * first message; {@code tool_result} blocks become {@code tool} messages (placed before the rest of
 * their user turn; one marked {@code is_error} starts with {@link #TOOL_ERROR}; its images, which a
 * tool message cannot hold, follow in the user message after it), {@code tool_use} blocks assistant
 * {@code tool_calls}, images data URLs or links; text blocks stay apart as text parts; thinking blocks
 * stay behind; documents are refused ({@link Untranslatable}). A stream asks for its usage chunk,
 * which the answer's translation turns into the final {@code message_delta} usage.
 */
public final class MessagesRequestAsChat {

    /** What the content of a tool message starts with when its {@code tool_result} was marked {@code is_error}. */
    static final String TOOL_ERROR = "[tool error] ";

    private static final String DOCUMENTS = "document blocks for an OpenAI model: chat completions has no"
            + " counterpart for them; send their text as text blocks";

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
            ArrayNode parts = textParts(Translated.textBlocks(system));
            if (!parts.isEmpty()) {
                messages.addObject().put("role", "system").set("content", content(parts));
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
        ArrayNode toolImages = Translated.array();
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "tool_result" -> toolResult(block, messages, toolImages);
                case "text" -> parts.addObject().put("type", "text").put("text", block.path("text").asText());
                case "image" -> parts.add(image(block));
                case "document" -> throw new Untranslatable(DOCUMENTS);
                default -> { } // thinking: no chat equivalent
            }
        }
        toolImages.addAll(parts);
        if (!toolImages.isEmpty()) {
            messages.addObject().put("role", "user").set("content", content(toolImages));
        }
    }

    /**
     * A {@code tool_result} as a tool message: its text parts, after {@link #TOOL_ERROR} when it is an
     * error; its images, which a tool message cannot hold, go to {@code toolImages} after a text part
     * naming the call, for the user message that follows the tool messages.
     */
    private static void toolResult(JsonNode block, ArrayNode messages, ArrayNode toolImages) {
        String id = block.path("tool_use_id").asText();
        JsonNode content = block.path("content");
        ArrayNode text = Translated.array();
        ArrayNode images = Translated.array();
        if (content.isTextual()) {
            Translated.addText(text, content.asText());
        }
        for (JsonNode part : content) {
            switch (part.path("type").asText()) {
                case "text" -> Translated.addText(text, part.path("text").asText());
                case "image" -> images.add(image(part));
                case "document" -> throw new Untranslatable(DOCUMENTS);
                default -> { }
            }
        }
        if (!images.isEmpty()) {
            toolImages.addObject().put("type", "text").put("text", "[images returned by tool call " + id + "]");
            toolImages.addAll(images);
            if (text.isEmpty()) {
                Translated.addText(text, "[the images this tool returned follow in the next user message]");
            }
        }
        if (block.path("is_error").asBoolean(false)) {
            if (text.isEmpty()) {
                text.addObject().put("type", "text").put("text", TOOL_ERROR.strip());
            } else {
                ObjectNode first = (ObjectNode) text.get(0);
                first.put("text", TOOL_ERROR + first.path("text").asText());
            }
        }
        ObjectNode message = messages.addObject().put("role", "tool").put("tool_call_id", id);
        if (text.isEmpty()) {
            message.put("content", "");
        } else {
            message.set("content", content(textParts(text)));
        }
    }

    /** An Anthropic image block as a chat {@code image_url} part: a data URL, or its link. */
    private static ObjectNode image(JsonNode block) {
        JsonNode source = block.path("source");
        String url = "base64".equals(source.path("type").asText())
                ? "data:" + source.path("media_type").asText() + ";base64," + source.path("data").asText()
                : source.path("url").asText();
        ObjectNode part = Translated.object().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    /** Anthropic text blocks as chat text parts. */
    private static ArrayNode textParts(ArrayNode blocks) {
        ArrayNode parts = Translated.array();
        for (JsonNode b : blocks) {
            parts.addObject().put("type", "text").put("text", b.path("text").asText());
        }
        return parts;
    }

    /** Chat content for parts: one text part as its string (what every server reads), else the parts. */
    private static JsonNode content(ArrayNode parts) {
        return parts.size() == 1 && "text".equals(parts.get(0).path("type").asText())
                ? parts.get(0).path("text") : parts;
    }

    private static void assistant(JsonNode content, ArrayNode messages) {
        ObjectNode message = Translated.object().put("role", "assistant");
        ArrayNode text = Translated.array();
        ArrayNode calls = Translated.array();
        if (content.isTextual()) {
            Translated.addText(text, content.asText());
        }
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text" -> Translated.addText(text, block.path("text").asText());
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
            message.set("content", content(textParts(text)));
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
