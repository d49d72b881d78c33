package dev.aegis.receipts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReceiptInputTest {

    /** A large body is hashed by the call and not kept for the writer; a small one is kept, as before. */
    @Test
    void largeBodiesAreHashedByTheCallAndNotKept() {
        byte[] large = new byte[ReceiptInput.HASHED_BY_THE_CALL];
        byte[] small = "{\"model\":\"m\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ReceiptInput in = ReceiptInput.of(null, large, large, null);
        assertThat(in.requestBody()).isNull();
        assertThat(in.requestSha256()).isEqualTo(Receipts.sha256Hex(large));
        assertThat(in.responseBody()).isNull();
        assertThat(in.responseSha256()).isEqualTo(Receipts.sha256Hex(large));
        ReceiptInput kept = ReceiptInput.of(null, small, small, null);
        assertThat(kept.requestBody()).isSameAs(small);
        assertThat(kept.requestSha256()).isNull();
        assertThat(kept.responseBody()).isSameAs(small);
        ReceiptInput streamed = ReceiptInput.of(null, small, null, "ab".repeat(32));
        assertThat(streamed.responseSha256()).isEqualTo("ab".repeat(32));
    }
}
