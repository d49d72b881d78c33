package dev.aegis.receipts;

import dev.aegis.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Canonical JSON for receipts: keys sorted at every level, no whitespace, UTF-8; numbers are whole
 * numbers and amounts are strings, so parsing a line and writing it again gives the same bytes.
 */
public final class CanonicalJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder(Json.factoryBuilder().build())
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .build();

    private CanonicalJson() {}

    public static byte[] bytes(Map<String, Object> value) {
        return write(value).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The canonical JSON of {@code value} with one more member, {@code name}, whose string value is
     * made from the canonical bytes of {@code value} alone (a receipt and its signature): the same
     * bytes as {@link #bytes} of {@code value} with the member put in, in one serialising pass
     * instead of two. The members sorting before {@code name} and those after are written separately
     * and joined; keys sorted at every level and no whitespace make the parts join byte for byte.
     *
     * @param value must not contain {@code name}
     * @param member makes the member's value from the bytes without it (a signature over them)
     */
    public static byte[] withMember(TreeMap<String, Object> value, String name, Function<byte[], String> member) {
        if (value.containsKey(name)) {
            throw new IllegalArgumentException("the receipt already has " + name);
        }
        String before = inner(value.headMap(name, false));
        String after = inner(value.tailMap(name, false));
        String comma = before.isEmpty() || after.isEmpty() ? "" : ",";
        byte[] without = ("{" + before + comma + after + "}").getBytes(StandardCharsets.UTF_8);
        String added = string(name) + ":" + string(member.apply(without));
        return ("{" + before + (before.isEmpty() ? "" : ",") + added + (after.isEmpty() ? "" : ",") + after + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The canonical JSON of a map without its braces ({@code ""} for none). */
    private static String inner(Map<String, Object> part) {
        String json = write(part);
        return json.substring(1, json.length() - 1);
    }

    private static String string(String s) {
        return write(s);
    }

    private static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("receipt fields must be plain JSON values", e);
        }
    }

    /** Parses one receipt line; throws {@link JsonProcessingException} when it is not one JSON object. */
    public static TreeMap<String, Object> parse(String line) throws JsonProcessingException {
        return MAPPER.readValue(line, new TypeReference<TreeMap<String, Object>>() {});
    }
}
