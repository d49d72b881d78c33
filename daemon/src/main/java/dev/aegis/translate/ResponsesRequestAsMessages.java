package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An OpenAI Responses API request (what Codex sends) as an Anthropic Messages request:
 * {@code instructions} and system/developer items become {@code system}; message items become
 * turns; {@code function_call} items {@code tool_use} blocks and {@code function_call_output} items
 * {@code tool_result} blocks; function tools become Anthropic tools. Reasoning items and built-in
 * tools (web search, local shell...) have no Messages counterpart and are left out.
 */
public final class ResponsesRequestAsMessages {

    private ResponsesRequestAsMessages() {}

    public static byte[] translate(byte[] responsesBody, String model, Integer outputCap) {
        JsonNode req = Translated.parse(responsesBody);
        ObjectNode out = Translated.object().put("model", model);
        long max = req.path("max_output_tokens").asLong(ChatRequestAsMessages.DEFAULT_MAX_TOKENS);
        out.put("max_tokens", outputCap == null ? max : Math.min(max, outputCap));
        StringBuilder system = new StringBuilder(req.path("instructions").asText(""));
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
                        if (!system.isEmpty()) {
                            system.append("\n\n");
                        }
                        system.append(Translated.text(item.path("content")));
                    } else {
                        turns.add(role.equals("assistant") ? "assistant" : "user", blocks(item.path("content")));
                    }
                }
                case "function_call" -> {
                    JsonNode args = Translated.parse(item.path("arguments").asText("{}"));
                    ObjectNode use = Translated.object().put("type", "tool_use")
                            .put("id", item.path("call_id").asText()).put("name", item.path("name").asText());
                    use.set("input", args.isObject() ? args : Translated.object());
                    turns.add("assistant", Translated.array().add(use));
                }
                case "function_call_output" -> {
                    JsonNode output = item.path("output");
                    turns.add("user", Translated.array().add(Translated.object().put("type", "tool_result")
                            .put("tool_use_id", item.path("call_id").asText())
                            .put("content", output.isTextual() ? output.asText() : Translated.text(output))));
                }
                default -> { } // reasoning, built-in tool calls
            }
        }
        if (!system.isEmpty()) {
            out.put("system", system.toString());
        }
        MessagesParams.sampling(req, out);
        tools(req, out);
        return Translated.bytes(out);
    }

    private static ArrayNode text(String text) {
        ArrayNode blocks = Translated.array();
        if (!text.isEmpty()) {
            blocks.addObject().put("type", "text").put("text", text);
        }
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
