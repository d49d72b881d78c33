package dev.aegis.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * The scalar members of one flat JSON object (nested values are skipped), read with jackson-core's
 * streaming parser alone. For the small files and answers every CLI command reads first (the
 * daemon's state, its health): the first use of the {@link Json} mapper costs a cold CLI
 * 150–250 ms of introspection, which this does not.
 */
public final class FlatJson {

    private static final JsonFactory FACTORY = Json.factoryBuilder().build();

    private final Map<String, Object> members;

    private FlatJson(Map<String, Object> members) {
        this.members = members;
    }

    public static FlatJson parse(byte[] json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            return read(p);
        }
    }

    public static FlatJson parse(InputStream json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            return read(p);
        }
    }

    private static FlatJson read(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new JsonParseException(p, "not a JSON object");
        }
        Map<String, Object> members = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (value) {
                case VALUE_STRING -> members.put(name, p.getText());
                case VALUE_NUMBER_INT -> members.put(name, p.getLongValue());
                case VALUE_NUMBER_FLOAT -> members.put(name, p.getDoubleValue());
                case VALUE_TRUE, VALUE_FALSE -> members.put(name, value == JsonToken.VALUE_TRUE);
                case START_OBJECT, START_ARRAY -> p.skipChildren();
                default -> members.remove(name); // null
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new JsonParseException(p, "the object does not end");
        }
        return new FlatJson(members);
    }

    /** A string member; null when missing or not a string. */
    public String string(String name) {
        return members.get(name) instanceof String s ? s : null;
    }

    /** A string member that must be there. */
    public String requiredString(String name) throws IOException {
        String s = string(name);
        if (s == null) {
            throw new IOException("no \"" + name + "\"");
        }
        return s;
    }

    /** A whole number member; 0 when missing or not a whole number. */
    public long number(String name) {
        return members.get(name) instanceof Long l ? l : 0;
    }

    /** A true/false member; false when missing. */
    public boolean flag(String name) {
        return Boolean.TRUE.equals(members.get(name));
    }

    /** An ISO-8601 instant; null when missing or not one. */
    public Instant instant(String name) {
        String s = string(name);
        try {
            return s == null ? null : Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
