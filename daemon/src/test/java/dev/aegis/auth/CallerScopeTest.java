package dev.aegis.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.http.ApiException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Ids from headers: a client's UTF-8 is recorded as the text it wrote, not as its bytes' Latin-1 letters. */
class CallerScopeTest {

    /** A header value as the server reads it: each byte one char. */
    private static String asRead(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void utf8InAnIdHeaderIsDecoded() {
        assertThat(CallerScope.headerId("x-run-id", asRead("漢字-run"), 128)).isEqualTo("漢字-run");
        assertThat(CallerScope.headerId("session-id", asRead("café"), 128)).isEqualTo("café");
        // "ā" is C4 81: read one byte a char, its second byte is a C1 control, which was refused as one.
        assertThat(CallerScope.headerId("x-run-id", asRead("ā"), 128)).isEqualTo("ā");
    }

    @Test
    void bytesThatAreNotUtf8StayAsReadAndControlsAreStillRefused() {
        assertThat(CallerScope.headerId("x-run-id", "caf\u00e9", 128)).as("a lone Latin-1 byte").isEqualTo("caf\u00e9");
        assertThat(CallerScope.headerId("x-run-id", "plain-1", 128)).isEqualTo("plain-1");
        assertThatThrownBy(() -> CallerScope.headerId("x-run-id", asRead("a\u202eb"), 128))
                .isInstanceOf(ApiException.class).hasMessageContaining("control or invisible");
    }
}
