package dev.aegis.streaming.cutoff;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * A provider's chunk meets the chat cutoff's streaming reading on every streamed event of a call
 * with an output budget: differentially against the Jackson tree it replaced, whatever the bytes
 * are, the streaming reading either agrees with the tree or leaves the chunk to it, and never throws.
 * Run as a regression test over the saved inputs; {@code JAZZER_FUZZ=1} fuzzes it (docs/SECURITY.md).
 */
class ChatChunkFieldsFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void aChunkIsReadAsItsTreeIsOrLeftToTheTree(String chunk) {
        if (chunk == null || !chunk.startsWith("{")) {
            return; // the cutoff reads only data that opens an object
        }
        ChatChunkFields fields = ChatChunkFields.read(chunk);
        if (fields != null) {
            assertThat(fields).as(chunk).isEqualTo(TreeReading.of(chunk));
        }
    }
}
