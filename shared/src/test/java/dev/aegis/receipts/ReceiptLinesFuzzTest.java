package dev.aegis.receipts;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * {@code aegis receipts verify} reads files anyone with the disk may have edited: a line is read or
 * refused as not one JSON object, never another exception (which would end the verification with a
 * stack trace instead of naming the bad line), and the bytes it says were signed are the line less
 * its {@code sig} member. {@code JAZZER_FUZZ=1} fuzzes it (docs/SECURITY.md, "Fuzzing").
 */
class ReceiptLinesFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void aLineIsReadOrRefusedAsNotOneObject(byte[] line) {
        if (line == null) {
            return;
        }
        ReceiptLine read;
        try {
            read = ReceiptLine.parse(line, 0, line.length);
        } catch (JsonProcessingException refused) {
            return;
        }
        if (read.sig() == null) {
            assertThat(read.signed()).isNull();
        } else {
            assertThat(read.signed().length).isLessThan(line.length);
        }
    }
}
