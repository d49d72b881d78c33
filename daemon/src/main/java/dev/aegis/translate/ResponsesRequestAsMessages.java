package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An OpenAI Responses API request (what Codex sends) as an Anthropic Messages request:
 * {@code instructions} and system/developer items become {@code system}; message items become
 * turns; {@code function_call} items {@code tool_use} blocks and {@code function_call_output} items
 * {@code tool_result} blocks; function tools become Anthropic tools. Reasoning items and built-in
 * tools (web search, local shell...) have no Messages counterpart and are left out. What would change
 * the answer and cannot cross is refused ({@link Untranslatable}): context OpenAI stores
 * ({@code previous_response_id}, {@code conversation}, a stored {@code prompt}, {@code store: true},
 * {@code item_reference} items),
 * a JSON {@code text.format}, and custom (free-form) tools and their calls.
 */
public final class ResponsesRequestAsMessages {

    private ResponsesRequestAsMessages() {}

    public static byte[] translate(byte[] responsesBody, String model, Integer outputCap) {
        JsonNode req = Translated.parse(responsesBody);
        refuseWhatMessagesCannotCarry(req);
        ObjectNode out = Translated.object().put("model", model);
        long max = req.path("max_output_tokens").asLong(ChatRequestAsMessages.DEFAULT_MAX_TOKENS);
        out.put("max_tokens", outputCap == null ? max : Math.min(max, outputCap));
        ArrayNode system = Translated.textBlocks(req.path("instructions"));
        Turns turns = new Turns(out.putArray("messages"));
        JsonNode input = req.path("input");
        if (input.isTextual()) {
            turns.add("user", text(input.asText()));
        }
        for (JsonNode item : input) {
            String type = item.path("type").asText(item.has("role") ? "message" : "");
            switch (type) {
                case "message" -> {
                    String role = item.path("role").asText("user");
                    if (role.equals("system") || role.equals("developer")) {
                        system.addAll(Translated.textBlocks(item.path("content")));
                    } else {
                        turns.add(role.equals("assistant") ? "assistant" : "user", blocks(item.path("content")));
                    }
                }
                case "function_call" -> {
                    String id = item.path("call_id").asText();
                    ObjectNode use = Translated.object().put("type", "tool_use").put("id", id)
                            .put("name", item.path("name").asText());
                    use.set("input", Translated.toolInput(item.path("arguments"), id));
                    turns.add("assistant", Translated.array().add(use));
                }
                case "function_call_output" -> turns.add("user", Translated.array().add(
                        Translated.toolResult(item.path("call_id").asText(), blocks(item.path("output")))));
                case "custom_tool_call", "custom_tool_call_output" -> throw new Untranslatable(CUSTOM_TOOLS);
                case "item_reference" -> throw new Untranslatable("item_reference for a Claude model: the item it"
                        + " names is stored at OpenAI and cannot be sent to Anthropic; send the item itself");
                default -> { } // reasoning, built-in tool calls
            }
        }
        MessagesParams.system(system, out);
        MessagesParams.sampling(req, out);
        tools(req, out);
        return Translated.bytes(out);
    }

    private static final String CUSTOM_TOOLS = "custom (free-form) tools and their calls for a Claude model:"
            + " its tools take JSON input; declare the tool as a function tool";

    /** 400 for what a Messages request cannot ask for (the class comment lists it). */
    private static void refuseWhatMessagesCannotCarry(JsonNode req) {
        for (String stored : new String[] {"previous_response_id", "conversation", "prompt"}) {
            Untranslatable.refuseIf(req.hasNonNull(stored), stored + " for a Claude model: the context it names is"
                    + " stored at OpenAI and cannot be sent to Anthropic; send the whole conversation as input");
        }
        Untranslatable.refuseIf(req.path("store").asBoolean(false), "store: true for a Claude model: its answer"
                + " cannot be stored at OpenAI for a later previous_response_id; send store: false (or leave it out)");
        String format = req.at("/text/format/type").asText("text");
        Untranslatable.refuseIf(!"text".equals(format), "text.format " + format
                + ": a Claude model has no JSON output mode; describe the JSON wanted in the prompt, or use a tool");
        for (JsonNode t : req.path("tools")) {
            Untranslatable.refuseIf("custom".equals(t.path("type").asText()), CUSTOM_TOOLS);
        }
    }

    private static ArrayNode text(String text) {
        ArrayNode blocks = Translated.array();
        Translated.addText(blocks, text);
        return blocks;
    }

    private static ArrayNode blocks(JsonNode content) {
        if (content.isTextual()) {
            return text(content.asText());
        }
        ArrayNode blocks = Translated.array();
        for (JsonNode part : content) {
            switch (part.path("type").asText()) {
                case "input_text", "output_text", "text" -> blocks.addAll(text(part.path("text").asText()));
                case "input_image" -> {
                    if (part.path("image_url").isTextual()) {
                        blocks.add(ChatRequestAsMessages.image(part.path("image_url").asText()));
                    }
                }
                default -> { }
            }
        }
        return blocks;
    }

    private static void tools(JsonNode req, ObjectNode out) {
        ArrayNode tools = Translated.array();
        for (JsonNode t : req.path("tools")) {
            if ("function".equals(t.path("type").asText())) {
                tools.add(MessagesParams.tool(t));
            }
        }
        JsonNode choice = req.path("tool_choice");
        MessagesParams.tools(tools, req, "function".equals(choice.path("type").asText())
                ? choice.path("name").asText() : null, out);
    }
}
