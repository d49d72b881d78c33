package dev.aegis.pricing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One object of the built-in price table ({@code price-table.json}) as read in one streaming pass:
 * its scalar members as text (a number's text as the file writes it), the {@code tiers} it lists and
 * the {@code service_tiers} it names. Read this way rather than as a Jackson tree, which parses every
 * number to a double and prints it back before it becomes a decimal: the 43 KB table took 35–51 ms of
 * a cold start's CPU as a tree (docs/STARTUP.md). {@code PriceFactsTest} holds the table this gives
 * equal, decimal for decimal, to the tree's reading.
 */
record PriceFacts(Map<String, String> scalars, List<PriceFacts> tiers, Map<String, PriceFacts> serviceTiers) {

    static final PriceFacts NONE = new PriceFacts(Map.of(), List.of(), Map.of());

    /** Reads the object the parser is at ({@link JsonToken#START_OBJECT}), up to and with its end. */
    static PriceFacts read(JsonParser p) throws IOException {
        Map<String, String> scalars = new HashMap<>();
        List<PriceFacts> tiers = List.of();
        Map<String, PriceFacts> serviceTiers = Map.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.START_ARRAY && name.equals("tiers")) {
                tiers = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    tiers.add(readOrSkip(p));
                }
            } else if (value == JsonToken.START_OBJECT && name.equals("service_tiers")) {
                serviceTiers = new HashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String tier = p.currentName();
                    p.nextToken();
                    serviceTiers.put(tier, readOrSkip(p));
                }
            } else if (value == JsonToken.VALUE_NULL) {
                scalars.remove(name);
            } else if (value.isScalarValue()) {
                scalars.put(name, p.getText());
            } else {
                p.skipChildren();
            }
        }
        return new PriceFacts(scalars, tiers, serviceTiers);
    }

    /** An object's facts, or none for any other value (skipped). */
    static PriceFacts readOrSkip(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.START_OBJECT) {
            return read(p);
        }
        p.skipChildren();
        return NONE;
    }

    /** A member's text, or {@code fallback} when it is absent or null. */
    String text(String field, String fallback) {
        return scalars.getOrDefault(field, fallback);
    }

    /** A member as a decimal, or {@code fallback} when it is absent or null. */
    BigDecimal decimal(String field, BigDecimal fallback) {
        String text = scalars.get(field);
        return text == null ? fallback : new BigDecimal(text);
    }
}
