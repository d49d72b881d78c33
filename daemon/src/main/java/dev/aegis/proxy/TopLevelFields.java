package dev.aegis.proxy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aegis.json.Json;
import java.io.IOException;

/** Looks for a field at the top level of a JSON object without building a tree (nested values are skipped). */
final class TopLevelFields {

    private TopLevelFields() {}

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
