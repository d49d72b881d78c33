package dev.aegis.proxy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aegis.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Looks for a field at the top level of a JSON object without building a tree (nested values are skipped). */
final class TopLevelFields {

    private TopLevelFields() {}

    /**
     * A tool of a Responses call's {@code tools} array.
     *
     * @param type its {@code type}, or "" when it has none
     * @param model the model it runs, when it runs one of its own: its {@code model}, else, for
     *     {@code image_generation}, the model OpenAI runs for it when none is named ({@code gpt-image-1})
     */
    record Tool(String type, String model) {
        static final String IMAGE_GENERATION = "image_generation";
        static final String IMAGE_GENERATION_DEFAULT_MODEL = "gpt-image-1";
    }

    /** The tools the body's top-level {@code tools} array holds; only that array is read into a tree. */
    static List<Tool> tools(byte[] body) {
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return List.of();
            }
            List<Tool> tools = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean named = "tools".equals(p.currentName());
                p.nextToken();
                if (named && p.currentToken() == JsonToken.START_ARRAY) {
                    JsonNode array = p.readValueAsTree();
                    array.forEach(tool -> {
                        String type = tool.path("type").asText("");
                        String model = tool.path("model").isTextual() ? tool.path("model").asText()
                                : type.equals(Tool.IMAGE_GENERATION) ? Tool.IMAGE_GENERATION_DEFAULT_MODEL : null;
                        tools.add(new Tool(type, model));
                    });
                } else {
                    p.skipChildren();
                }
            }
            return tools;
        } catch (IOException e) {
            return List.of();
        }
    }

    /** True when the body is a JSON object with this field at its top level; false for anything else. */
    static boolean has(byte[] body, String field) {
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if (field.equals(p.currentName())) {
                    return true;
                }
                p.nextToken();
                p.skipChildren();
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
