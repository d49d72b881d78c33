package dev.aegis.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Redaction splices: only the strings that hold a secret change, wherever they are and however escaped. */
class RedactedJsonTest {

    /** Marks the text "SECRET" as a secret. */
    private static String redacted(String json) {
        return new String(RedactedJson.redact(json.getBytes(UTF_8),
                s -> s.contains("SECRET") ? s.replace("SECRET", "[R]") : null), UTF_8);
    }

    @Test
    void escapedQuotesAndBackslashesAroundASecretDoNotMoveTheStringsEnd() {
        assertThat(redacted("{ \"a\\\"\\\\\" : \"x \\\" SECRET \\\\\" , \"b\":\"\\\\\", \"n\" : 1e3 }"))
                .isEqualTo("{ \"a\\\"\\\\\" : \"x \\\" [R] \\\\\" , \"b\":\"\\\\\", \"n\" : 1e3 }");
    }

    @Test
    void aRedactedKeyTakesTheNextFreeNameOfItsObject() {
        assertThat(redacted("{\"k-SECRET\": 1, \"k-[R]\": 2, \"o\": {\"SECRET\": [\"SECRET\", 1.0]}, \"k-[R]#2\": 3}"))
                .isEqualTo("{\"k-[R]#3\": 1, \"k-[R]\": 2, \"o\": {\"[R]\": [\"[R]\", 1.0]}, \"k-[R]#2\": 3}");
    }

    @Test
    void everyValueOfJsonLinesIsRedactedInPlace() {
        assertThat(redacted("{\"a\": \"SECRET\"}\n[ \"caf\\u00e9\", \"SECRET\" ]\n\"SECRET\"\n"))
                .isEqualTo("{\"a\": \"[R]\"}\n[ \"caf\\u00e9\", \"[R]\" ]\n\"[R]\"\n");
    }

    @Test
    void aBodyWithoutSecretsIsTheSameArray() {
        byte[] body = "{\"a\" : \"caf\\u00e9\"}".getBytes(UTF_8);
        assertThat(RedactedJson.redact(body, s -> null)).isSameAs(body);
    }
}
