package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An OpenAI chat completions request as an Anthropic Messages request: system and developer
 * messages become {@code system}; user content parts (text, images as data URLs or links) become
 * content blocks; assistant {@code tool_calls} become {@code tool_use} blocks and {@code tool}
 * messages {@code tool_result} blocks; consecutive messages of one role are merged, as the Messages
 * API wants alternating turns; text parts stay apart as text blocks. Fields that would change the
 * answer but have no Messages counterpart ({@code n} above 1, a JSON {@code response_format}, legacy
 * {@code functions}) are refused ({@link Untranslatable}); fields that only describe the answer
 * ({@code logprobs}...) are left out.
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
        refuseWhatMessagesCannotCarry(chat);
        ObjectNode out = Translated.object().put("model", model);
        long max = chat.path("max_completion_tokens").asLong(chat.path("max_tokens").asLong(DEFAULT_MAX_TOKENS));
        out.put("max_tokens", outputCap == null ? max : Math.min(max, outputCap));

        ArrayNode system = Translated.array();
        Turns turns = new Turns(out.putArray("messages"));
        for (JsonNode m : chat.path("messages")) {
            String role = m.path("role").asText();
            switch (role) {
                case "system", "developer" -> system.addAll(Translated.textBlocks(m.path("content")));
                case "assistant" -> {
                    Untranslatable.refuseIf(m.hasNonNull("function_call"), LEGACY_FUNCTIONS);
                    ArrayNode blocks = blocks(m.path("content"));
                    for (JsonNode call : m.path("tool_calls")) {
                        String id = call.path("id").asText();
                        blocks.addObject().put("type", "tool_use").put("id", id)
                                .put("name", call.at("/function/name").asText())
                                .set("input", Translated.toolInput(call.at("/function/arguments"), id));
                    }
                    turns.add("assistant", blocks);
                }
                case "tool" -> {
                    turns.add("user", Translated.array().add(Translated.toolResult(m.path("tool_call_id").asText(),
                            Translated.textBlocks(m.path("content")))));
                }
                case "function" -> throw new Untranslatable(LEGACY_FUNCTIONS);
                default -> turns.add("user", blocks(m.path("content")));
            }
        }
        MessagesParams.system(system, out);
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

    private static final String LEGACY_FUNCTIONS = "legacy function calling (functions, function_call, role"
            + " function) for a Claude model: send it as tools, tool_choice, tool_calls and role tool";

    /** 400 for what a Messages request cannot ask for: more than one choice, JSON output, legacy functions. */
    private static void refuseWhatMessagesCannotCarry(JsonNode chat) {
        Untranslatable.refuseIf(chat.path("n").asInt(1) > 1,
                "n above 1: a Claude model gives one answer a call; send one call for each answer");
        String format = chat.at("/response_format/type").asText("text");
        Untranslatable.refuseIf(!"text".equals(format), "response_format " + format
                + ": a Claude model has no JSON output mode; describe the JSON wanted in the prompt, or use a tool");
        Untranslatable.refuseIf(chat.hasNonNull("functions") || chat.hasNonNull("function_call"), LEGACY_FUNCTIONS);
    }

    /** OpenAI content (a string or parts) as Anthropic content blocks; empty text is left out. */
    private static ArrayNode blocks(JsonNode content) {
        ArrayNode blocks = Translated.array();
        if (content.isTextual()) {
            Translated.addText(blocks, content.asText());
            return blocks;
        }
        for (JsonNode part : content) {
            switch (part.path("type").asText()) {
                case "text" -> Translated.addText(blocks, part.path("text").asText());
                case "image_url" -> {
                    JsonNode url = part.path("image_url");
                    blocks.add(image(url.isTextual() ? url.asText() : url.path("url").asText()));
                }
                default -> { } // audio and files have no Messages equivalent here
            }
        }
        return blocks;
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
