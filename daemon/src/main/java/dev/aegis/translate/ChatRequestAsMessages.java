package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An OpenAI chat completions request as an Anthropic Messages request: system and developer
 * messages become {@code system}; user content parts (text, images as data URLs or links) become
 * content blocks; assistant {@code tool_calls} become {@code tool_use} blocks and {@code tool}
 * messages {@code tool_result} blocks; consecutive messages of one role are merged, as the Messages
 * API wants alternating turns. Fields Anthropic has no use for ({@code n}, {@code logprobs},
 * {@code response_format}...) are left out.
 */
public final class ChatRequestAsMessages {

    /** Anthropic requires {@code max_tokens}; used when the client set no output limit. */
    static final int DEFAULT_MAX_TOKENS = 4096;

    private ChatRequestAsMessages() {}

    /**
     * @param model the model the provider knows
     * @param outputCap a budget's limit on output tokens, or null
     */
    public static byte[] translate(byte[] chatBody, String model, Integer outputCap) {
        JsonNode chat = Translated.parse(chatBody);
        ObjectNode out = Translated.object().put("model", model);
        long max = chat.path("max_completion_tokens").asLong(chat.path("max_tokens").asLong(DEFAULT_MAX_TOKENS));
        out.put("max_tokens", outputCap == null ? max : Math.min(max, outputCap));

        StringBuilder system = new StringBuilder();
        Turns turns = new Turns(out.putArray("messages"));
        for (JsonNode m : chat.path("messages")) {
            String role = m.path("role").asText();
            switch (role) {
                case "system", "developer" -> {
                    if (!system.isEmpty()) {
                        system.append("\n\n");
                    }
                    system.append(Translated.text(m.path("content")));
                }
                case "assistant" -> {
                    ArrayNode blocks = blocks(m.path("content"));
                    for (JsonNode call : m.path("tool_calls")) {
                        ObjectNode use = blocks.addObject().put("type", "tool_use").put("id", call.path("id").asText())
                                .put("name", call.at("/function/name").asText());
                        JsonNode input = Translated.parse(call.at("/function/arguments").asText("{}"));
                        use.set("input", input.isObject() ? input : Translated.object());
                    }
                    turns.add("assistant", blocks);
                }
                case "tool", "function" -> {
                    ArrayNode blocks = Translated.array();
                    blocks.addObject().put("type", "tool_result")
                            .put("tool_use_id", m.path("tool_call_id").asText(m.path("name").asText()))
                            .put("content", Translated.text(m.path("content")));
                    turns.add("user", blocks);
                }
                default -> turns.add("user", blocks(m.path("content")));
            }
        }
        if (!system.isEmpty()) {
            out.put("system", system.toString());
        }
        JsonNode stop = chat.path("stop");
        if (stop.isTextual()) {
            out.putArray("stop_sequences").add(stop.asText());
        } else if (stop.isArray()) {
            out.set("stop_sequences", stop.deepCopy());
        }
        MessagesParams.sampling(chat, out);
        tools(chat, out);
        return Translated.bytes(out);
    }

    /** OpenAI content (a string or parts) as Anthropic content blocks; empty text is left out. */
    private static ArrayNode blocks(JsonNode content) {
        ArrayNode blocks = Translated.array();
        if (content.isTextual()) {
            addText(blocks, content.asText());
            return blocks;
        }
        for (JsonNode part : content) {
            switch (part.path("type").asText()) {
                case "text" -> addText(blocks, part.path("text").asText());
                case "image_url" -> {
                    JsonNode url = part.path("image_url");
                    blocks.add(image(url.isTextual() ? url.asText() : url.path("url").asText()));
                }
                default -> { } // audio and files have no Messages equivalent here
            }
        }
        return blocks;
    }

    private static void addText(ArrayNode blocks, String text) {
        if (!text.isEmpty()) {
            blocks.addObject().put("type", "text").put("text", text);
        }
    }

    /** A {@code data:} URL becomes a base64 source; anything else a URL source. */
    static ObjectNode image(String url) {
        ObjectNode block = Translated.object().put("type", "image");
        int comma = url.indexOf(',');
        if (url.startsWith("data:") && comma > 0 && url.substring(0, comma).endsWith(";base64")) {
            String mediaType = url.substring("data:".length(), comma - ";base64".length());
            block.putObject("source").put("type", "base64").put("media_type", mediaType)
                    .put("data", url.substring(comma + 1));
        } else {
            block.putObject("source").put("type", "url").put("url", url);
        }
        return block;
    }

    private static void tools(JsonNode chat, ObjectNode out) {
        ArrayNode tools = Translated.array();
        for (JsonNode t : chat.path("tools")) {
            if ("function".equals(t.path("type").asText("function")) && t.path("function").isObject()) {
                tools.add(MessagesParams.tool(t.path("function")));
            }
        }
        JsonNode choice = chat.path("tool_choice");
        MessagesParams.tools(tools, chat, choice.isObject() ? choice.at("/function/name").asText() : null, out);
    }
}
