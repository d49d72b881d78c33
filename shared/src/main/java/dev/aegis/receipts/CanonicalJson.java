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
        try {
            return MAPPER.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("receipt fields must be plain JSON values", e);
        }
    }

    /** Parses one receipt line; throws {@link JsonProcessingException} when it is not one JSON object. */
    public static TreeMap<String, Object> parse(String line) throws JsonProcessingException {
        return MAPPER.readValue(line, new TypeReference<TreeMap<String, Object>>() {});
    }
}
