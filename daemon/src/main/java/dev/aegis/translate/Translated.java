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

    /** Copies a field when the source has it. */
    static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode v = from.get(field);
        if (v != null && !v.isNull() && !v.isMissingNode()) {
            to.set(as, v.deepCopy());
        }
    }
}
