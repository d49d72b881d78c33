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
     * The models the body's {@code tools} name ({@code tools[].model}: a Responses hosted tool such
     * as {@code image_generation} runs a model of its own); only that array is read into a tree.
     */
    static List<String> toolModels(byte[] body) {
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return List.of();
            }
            List<String> models = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean tools = "tools".equals(p.currentName());
                p.nextToken();
                if (tools && p.currentToken() == JsonToken.START_ARRAY) {
                    JsonNode array = p.readValueAsTree();
                    array.forEach(tool -> {
                        if (tool.path("model").isTextual()) {
                            models.add(tool.path("model").asText());
                        }
                    });
                } else {
                    p.skipChildren();
                }
            }
            return models;
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
