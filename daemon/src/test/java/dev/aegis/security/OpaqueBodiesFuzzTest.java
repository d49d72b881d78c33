package dev.aegis.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aegis.proxy.StringVisitor;

/**
 * A pass-through body is sorted into JSON, text or binary and, when JSON, read again string by
 * string for the secret scan: whatever the bytes, the second reading agrees with the first (no
 * exception, which would answer 500). {@code JAZZER_FUZZ=1} fuzzes it (docs/SECURITY.md).
 */
class OpaqueBodiesFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void aBodyJudgedJsonIsReadAgainAsJson(byte[] body) {
        if (body == null) {
            return;
        }
        OpaqueBody.Read read = OpaqueBody.read(body);
        if (read.kind() == OpaqueBody.Kind.JSON) {
            OpaqueBody.visitJson(body, StringVisitor.NONE);
        } else if (read.kind() == OpaqueBody.Kind.TEXT) {
            assertThat(read.text()).isNotNull();
        } else if (read.kind() == OpaqueBody.Kind.WIDE_TEXT) {
            assertThat(read.text()).isNotNull();
        }
    }
}
