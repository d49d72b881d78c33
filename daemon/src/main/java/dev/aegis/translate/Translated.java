package dev.aegis.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import java.io.IOException;

/** Small JSON helpers the translators share. */
final class Translated {

    private Translated() {}

    static ObjectNode object() {
        return Json.mapper().createObjectNode();
    }

    static ArrayNode array() {
        return Json.mapper().createArrayNode();
    }

    static JsonNode parse(byte[] bytes) {
        try {
            return Json.mapper().readTree(bytes);
        } catch (IOException e) {
            return Json.mapper().missingNode();
        }
    }

    static JsonNode parse(String text) {
        try {
            return text == null ? Json.mapper().missingNode() : Json.mapper().readTree(text);
        } catch (IOException e) {
            return Json.mapper().missingNode();
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return Json.mapper().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** The text of an OpenAI content value: a string, or the text parts of an array joined. */
    static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if (part.isTextual()) {
                sb.append(part.asText());
            } else if (part.path("text").isTextual()) {
                sb.append(part.path("text").asText());
            }
        }
        return sb.toString();
    }

    /**
     * The text parts of an OpenAI content value (a string, or parts) as Anthropic text blocks, one a
     * part, so parts stay apart as they were sent; empty text is left out.
     */
    static ArrayNode textBlocks(JsonNode content) {
        ArrayNode blocks = array();
        if (content.isTextual()) {
            addText(blocks, content.asText());
        }
        for (JsonNode part : content) {
            addText(blocks, part.isTextual() ? part.asText() : part.path("text").asText(""));
        }
        return blocks;
    }

    /**
     * A {@code tool_result} block's content: one text as its string, several blocks (text apart,
     * images) as they are, none left out.
     */
    static ObjectNode toolResult(String toolUseId, ArrayNode content) {
        ObjectNode result = object().put("type", "tool_result").put("tool_use_id", toolUseId);
        if (content.size() == 1 && "text".equals(content.get(0).path("type").asText())) {
            result.set("content", content.get(0).path("text"));
        } else if (!content.isEmpty()) {
            result.set("content", content);
        }
        return result;
    }

    /** Adds a text block, unless the text is empty (the Messages API refuses empty text blocks). */
    static void addText(ArrayNode blocks, String text) {
        if (!text.isEmpty()) {
            blocks.addObject().put("type", "text").put("text", text);
        }
    }

    /**
     * A tool call's arguments (a JSON object as a string) as a {@code tool_use} block's input: no
     * arguments are an empty object; anything that is not a JSON object is refused, as a history with a
     * broken call cannot be sent as one Claude would have made.
     */
    static ObjectNode toolInput(JsonNode arguments, String callId) {
        String text = arguments.isTextual() ? arguments.asText() : arguments.isMissingNode() || arguments.isNull()
                ? "" : arguments.toString();
        if (text.isBlank()) {
            return object();
        }
        JsonNode input = parse(text);
        Untranslatable.refuseIf(!input.isObject(), "the arguments of tool call '" + callId
                + "' are not a JSON object, and a Claude model's tool_use input must be one");
        return (ObjectNode) input;
    }

    /** Copies a field when the source has it. */
    static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode v = from.get(field);
        if (v != null && !v.isNull() && !v.isMissingNode()) {
            to.set(as, v.deepCopy());
        }
    }
}
