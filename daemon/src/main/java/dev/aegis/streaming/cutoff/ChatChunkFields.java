package dev.aegis.streaming.cutoff;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aegis.json.Json;
import java.io.IOException;

/**
 * What the chat cutoff needs from one chunk, read in one streaming pass without building a tree:
 * the top-level {@code id}, {@code model} and {@code created}, and the output tokens its deltas carry
 * ({@code choices[].delta.content} and {@code choices[].delta.tool_calls[].function.arguments}).
 * The pass only answers for chunks whose fields of interest have their usual types (a field given
 * twice counts with its last value, as in the tree); for anything else it answers null and the caller
 * reads the chunk's tree, so the result never differs from the tree's reading (ChatChunkFieldsTest
 * checks this on generated chunks).
 *
 * @param id null when the chunk has none
 * @param model null when the chunk has none
 * @param created null when the chunk has none
 */
record ChatChunkFields(String id, String model, Long created, long tokens) {

    private static final JsonFactory FACTORY = Json.factoryBuilder().build();

    /** Thrown inside the pass when the chunk's form is one the tree must read. */
    private static final class Unusual extends Exception {
        private static final Unusual INSTANCE = new Unusual();

        private Unusual() {
            super(null, null, false, false);
        }
    }

    /** The chunk's fields, or null when the chunk is not of the usual form (or not JSON). */
    static ChatChunkFields read(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            return p.nextToken() == JsonToken.START_OBJECT ? chunk(p) : null;
        } catch (IOException | Unusual e) {
            return null;
        }
    }

    private static ChatChunkFields chunk(JsonParser p) throws IOException, Unusual {
        String id = null;
        String model = null;
        Long created = null;
        long tokens = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "id" -> id = string(p, value);
                case "model" -> model = string(p, value);
                case "created" -> created = integer(p, value);
                case "choices" -> tokens = choices(p, value);
                default -> p.skipChildren();
            }
        }
        return new ChatChunkFields(id, model, created, tokens);
    }

    private static long choices(JsonParser p, JsonToken value) throws IOException, Unusual {
        expect(value, JsonToken.START_ARRAY);
        long tokens = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            tokens += objectField(p, p.currentToken(), "delta", ChatChunkFields::delta);
        }
        return tokens;
    }

    private static long delta(JsonParser p, JsonToken value) throws IOException, Unusual {
        expect(value, JsonToken.START_OBJECT);
        long content = 0;
        long calls = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("content")) {
                content = textTokens(p, v);
            } else if (name.equals("tool_calls")) {
                calls = toolCalls(p, v);
            } else {
                p.skipChildren();
            }
        }
        return content + calls;
    }

    private static long toolCalls(JsonParser p, JsonToken value) throws IOException, Unusual {
        expect(value, JsonToken.START_ARRAY);
        long tokens = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            tokens += objectField(p, p.currentToken(), "function",
                    (q, v) -> objectField(q, v, "arguments", ChatChunkFields::textTokens));
        }
        return tokens;
    }

    /** Reads an object whose one field of interest, {@code name}, {@code field} reads (its last value). */
    private static long objectField(JsonParser p, JsonToken value, String name, FieldReader field)
            throws IOException, Unusual {
        expect(value, JsonToken.START_OBJECT);
        long tokens = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            boolean wanted = p.currentName().equals(name);
            JsonToken v = p.nextToken();
            if (wanted) {
                tokens = field.read(p, v);
            } else {
                p.skipChildren();
            }
        }
        return tokens;
    }

    private interface FieldReader {
        long read(JsonParser p, JsonToken value) throws IOException, Unusual;
    }

    private static long textTokens(JsonParser p, JsonToken value) throws IOException, Unusual {
        expect(value, JsonToken.VALUE_STRING);
        int length = p.getTextLength();
        return length == 0 ? 0 : Math.max(1, (length + 3) / 4);
    }

    private static String string(JsonParser p, JsonToken value) throws IOException, Unusual {
        expect(value, JsonToken.VALUE_STRING);
        return p.getText();
    }

    private static Long integer(JsonParser p, JsonToken value) throws IOException, Unusual {
        expect(value, JsonToken.VALUE_NUMBER_INT);
        JsonParser.NumberType type = p.getNumberType();
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
            throw Unusual.INSTANCE;
        }
        return p.getLongValue();
    }

    private static void expect(JsonToken actual, JsonToken expected) throws Unusual {
        if (actual != expected) {
            throw Unusual.INSTANCE;
        }
    }
}
