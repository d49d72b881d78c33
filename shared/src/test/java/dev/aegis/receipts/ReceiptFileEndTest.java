package dev.aegis.receipts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiptFileEndTest {

    @TempDir
    Path temp;

    private ReceiptFileEnd end(String content, int block) throws Exception {
        Path file = temp.resolve("f.jsonl");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return ReceiptFileEnd.of(file, block);
    }

    @Test
    void theLastCompleteLineIsFoundAcrossBlocks() throws Exception {
        ReceiptFileEnd e = end("{\"seq\":1}\n{\"seq\":2,\"pad\":\"" + "x".repeat(100) + "\"}\n", 7);
        assertThat(e.lastLine()).isEqualTo("{\"seq\":2,\"pad\":\"" + "x".repeat(100) + "\"}");
        assertThat(e.torn()).isFalse();
        assertThat(e.completeLength()).isEqualTo(e.length());
    }

    @Test
    void bytesAfterTheLastNewlineAreATornTail() throws Exception {
        ReceiptFileEnd e = end("{\"seq\":1}\n{\"seq\":2}\n{\"se", 4);
        assertThat(e.lastLine()).isEqualTo("{\"seq\":2}");
        assertThat(e.torn()).isTrue();
        assertThat(e.completeLength()).isEqualTo(20);
        assertThat(new String(e.tornBytes(temp.resolve("f.jsonl")), StandardCharsets.UTF_8)).isEqualTo("{\"se");
    }

    @Test
    void aFileWithoutACompleteLineHasNone() throws Exception {
        assertThat(end("", 4)).isEqualTo(new ReceiptFileEnd(null, 0, 0));
        assertThat(end("{\"seq\":1", 4)).isEqualTo(new ReceiptFileEnd(null, 0, 8));
        assertThat(end("\n\n", 4)).isEqualTo(new ReceiptFileEnd(null, 2, 2));
    }

    @Test
    void emptyLinesAtTheEndAreSkipped() throws Exception {
        assertThat(end("{\"seq\":1}\n\n\n", 3).lastLine()).isEqualTo("{\"seq\":1}");
    }

    /** Against the whole file read and split, for random files and block sizes. */
    @Test
    void readingFromTheEndFindsWhatReadingTheWholeFileFinds() throws Exception {
        Random random = new Random(29);
        for (int round = 0; round < 500; round++) {
            StringBuilder content = new StringBuilder();
            int parts = random.nextInt(8);
            for (int i = 0; i < parts; i++) {
                content.append("é".repeat(random.nextInt(3))).append("x".repeat(random.nextInt(40)));
                if (random.nextInt(4) > 0) {
                    content.append('\n');
                }
            }
            String text = content.toString();
            ReceiptFileEnd e = end(text, 1 + random.nextInt(20));

            int lastNewline = text.lastIndexOf('\n');
            String expected = null;
            for (String line : (lastNewline < 0 ? "" : text.substring(0, lastNewline)).split("\n")) {
                if (!line.isEmpty()) {
                    expected = line;
                }
            }
            assertThat(e.lastLine()).as("%s", text).isEqualTo(expected);
            assertThat(e.completeLength()).as("%s", text).isEqualTo(lastNewline < 0 ? 0
                    : text.substring(0, lastNewline + 1).getBytes(StandardCharsets.UTF_8).length);
            assertThat(e.torn()).isEqualTo(!text.isEmpty() && !text.endsWith("\n"));
        }
    }
}
