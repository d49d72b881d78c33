package dev.aegis.receipts;

import dev.aegis.json.Json;
import dev.aegis.json.Utf8Json;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;

/**
 * One receipt line read for verification in a single streaming pass, without building a tree:
 * its {@code seq}, {@code prev} and {@code sig}, and the bytes that were signed — the line itself
 * without its {@code sig} member. A line is written as the canonical JSON of the receipt with
 * {@code sig} added, and removing one member from canonical JSON leaves the canonical JSON of the
 * rest, so those bytes are exactly what the signer signed; a line changed in any way (a value, the
 * order of keys, a space) no longer verifies.
 *
 * @param seq null when missing or not a whole number
 * @param prev null when missing or not a string
 * @param sig null when missing or not a string
 * @param key the signing key's fingerprint; null in receipts written before keys were named
 * @param type null for a call's receipt, {@code rotation} for a key rotation
 * @param newKey a rotation's new public key (raw, Base64), else null
 * @param instance the id of the daemon whose trail it is; null in receipts written before instance ids
 */
record ReceiptLine(Long seq, String prev, String sig, String key, String type, String newKey, String instance, byte[] signed) {

    private static final JsonFactory FACTORY = Json.factoryBuilder().build();

    /** Reads {@code buf[from, to)}; throws when it is not exactly one JSON object. */
    static ReceiptLine parse(byte[] buf, int from, int to) throws JsonProcessingException {
        Long seq = null;
        String prev = null;
        String sig = null;
        String key = null;
        String type = null;
        String newKey = null;
        String instance = null;
        int sigFrom = -1;
        int sigTo = -1;
        if (Utf8Json.notUtf8(buf, from, to)) {
            // The parser would read it as UTF-16 or UTF-32 (and count its offsets in characters).
            throw new JsonParseException(null, "a receipt line is UTF-8 JSON");
        }
        try (JsonParser p = FACTORY.createParser(buf, from, to - from)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "a receipt is a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                int nameAt = from + (int) p.currentTokenLocation().getByteOffset();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "seq" -> seq = value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                            ? p.getLongValue() : null;
                    case "prev" -> prev = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "key" -> key = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "type" -> type = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "new_key" -> newKey = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "instance" -> instance = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "sig" -> {
                        sig = value == JsonToken.VALUE_STRING ? p.getText() : null;
                        sigFrom = nameAt;
                        sigTo = from + (int) p.currentLocation().getByteOffset();
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new JsonParseException(p, "a receipt line is one JSON object");
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            // Bytes the parser cannot decode (CharConversionException): not a receipt, like any other.
            throw new JsonParseException(null, "a receipt line is UTF-8 JSON: " + e.getMessage(), e);
        }
        return new ReceiptLine(seq, prev, sig, key, type, newKey, instance, sig == null ? null : without(buf, from, to, sigFrom, sigTo));
    }

    /** The line without the member {@code buf[memberFrom, memberTo)} and the comma that joins it to another. */
    private static byte[] without(byte[] buf, int from, int to, int memberFrom, int memberTo) {
        if (buf[memberFrom - 1] == ',') {
            memberFrom--;
        } else if (memberTo < to && buf[memberTo] == ',') {
            memberTo++;
        }
        byte[] out = Arrays.copyOfRange(buf, from, to - (memberTo - memberFrom));
        System.arraycopy(buf, memberTo, out, memberFrom - from, to - memberTo);
        return out;
    }
}
