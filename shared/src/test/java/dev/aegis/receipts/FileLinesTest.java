package dev.aegis.receipts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLinesTest {

    @TempDir
    Path temp;

    private record Line(String text, boolean torn) {}

    private List<Line> read(String content, int block, int maxLine) throws Exception {
        Path file = temp.resolve("f.jsonl");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        List<Line> out = new ArrayList<>();
        try (FileLines lines = new FileLines(file, block, maxLine)) {
            while (lines.next()) {
                out.add(new Line(new String(lines.buffer(), lines.from(), lines.to() - lines.from(), StandardCharsets.UTF_8),
                        lines.torn()));
            }
        }
        return out;
    }

    @Test
    void linesLongerThanTheBlockAreWholeAndOnlyAnUnfinishedLastLineIsTorn() throws Exception {
        assertThat(read("abcdefghij\n\nxyz\nlast", 3, 1000)).containsExactly(new Line("abcdefghij", false),
                new Line("", false), new Line("xyz", false), new Line("last", true));
        assertThat(read("a\n", 3, 1000)).containsExactly(new Line("a", false));
        assertThat(read("", 3, 1000)).isEmpty();
    }

    @Test
    void aLineOverTheLimitIsHandedOutInPiecesThatAreNotTorn() throws Exception {
        assertThat(read("0123456789\nok\n", 4, 4)).containsExactly(new Line("0123", false), new Line("4567", false),
                new Line("89", false), new Line("ok", false));
    }

    /** Against String.split, for random files and block sizes. */
    @Test
    void theLinesAreTheFilesLines() throws Exception {
        Random random = new Random(29);
        for (int round = 0; round < 500; round++) {
            StringBuilder content = new StringBuilder();
            int parts = random.nextInt(10);
            for (int i = 0; i < parts; i++) {
                content.append("é".repeat(random.nextInt(3))).append("y".repeat(random.nextInt(50)));
                if (random.nextInt(5) > 0) {
                    content.append('\n');
                }
            }
            String text = content.toString();
            List<Line> expected = new ArrayList<>();
            String[] split = text.split("\n", -1);
            for (int i = 0; i < split.length; i++) {
                boolean last = i == split.length - 1;
                if (!last) {
                    expected.add(new Line(split[i], false));
                } else if (!split[i].isEmpty()) {
                    expected.add(new Line(split[i], true));
                }
            }
            assertThat(read(text, 1 + random.nextInt(16), 1 << 20)).as("%s", text).isEqualTo(expected);
        }
    }
}
