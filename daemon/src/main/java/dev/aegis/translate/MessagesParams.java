package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What OpenAI requests (chat completions and the Responses API) share on their way to the Messages API. */
final class MessagesParams {

    private MessagesParams() {}

    /** {@code temperature} (Anthropic's range ends at 1), {@code top_p}, {@code stream}, {@code user} as metadata. */
    static void sampling(JsonNode req, ObjectNode out) {
        if (req.path("temperature").isNumber()) {
            out.put("temperature", Math.min(1.0, req.path("temperature").asDouble()));
        }
        Translated.copy(req, "top_p", out, "top_p");
        if (req.path("stream").asBoolean(false)) {
            out.put("stream", true);
        }
        if (req.path("user").isTextual()) {
            out.putObject("metadata").put("user_id", req.path("user").asText());
        }
    }

    /**
     * {@code system}: the text of one block as a string, several as the array of blocks they were,
     * so parts sent apart stay apart.
     */
    static void system(ArrayNode blocks, ObjectNode out) {
        if (blocks.size() == 1) {
            out.put("system", blocks.get(0).path("text").asText());
        } else if (!blocks.isEmpty()) {
            out.set("system", blocks);
        }
    }

    /** One Anthropic tool from an OpenAI function's name, description and JSON schema. */
    static ObjectNode tool(JsonNode function) {
        ObjectNode tool = Translated.object().put("name", function.path("name").asText());
        Translated.copy(function, "description", tool, "description");
        JsonNode params = function.path("parameters");
        tool.set("input_schema", params.isObject() ? params.deepCopy()
                : Translated.object().put("type", "object").set("properties", Translated.object()));
        return tool;
    }

    /**
     * Sets {@code tools} and the matching {@code tool_choice} ({@code required} is {@code any}, a
     * forced function is {@code tool}, {@code parallel_tool_calls: false} disables parallel use).
     *
     * @param forced the function a {@code tool_choice} object forces, or null
     */
    static void tools(ArrayNode tools, JsonNode req, String forced, ObjectNode out) {
        if (tools.isEmpty()) {
            return;
        }
        out.set("tools", tools);
        ObjectNode toolChoice = Translated.object();
        if (forced != null) {
            toolChoice.put("type", "tool").put("name", forced);
        } else {
            switch (req.path("tool_choice").asText("auto")) {
                case "required" -> toolChoice.put("type", "any");
                case "none" -> toolChoice.put("type", "none");
                default -> toolChoice.put("type", "auto");
            }
        }
        if (req.path("parallel_tool_calls").isBoolean() && !req.path("parallel_tool_calls").asBoolean()
                && !"none".equals(toolChoice.path("type").asText())) {
            toolChoice.put("disable_parallel_tool_use", true);
        }
        out.set("tool_choice", toolChoice);
    }
}
