package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingLogFileTest {

    @TempDir
    Path temp;

    private List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    @Test
    void aRunningDaemonsLogRotatesAtALinesEndAndKeepsEveryLineWhole() throws Exception {
        Path log = temp.resolve("daemon.log");
        List<String> written = new ArrayList<>();
        try (PrintStream out = new PrintStream(new RotatingLogFile(log, 1_000), true, StandardCharsets.UTF_8)) {
            for (int i = 0; i < 150; i++) {
                String line = "call request=req-" + i + " " + "x".repeat(i % 7 * 10);
                // a line written in pieces (as a logger's encoder may): rotation waits for its end
                out.print(line.substring(0, line.length() / 2));
                out.print(line.substring(line.length() / 2));
                out.println();
                written.add(line);
            }
        }
        assertThat(temp.resolve("daemon.log.1")).exists();
        assertThat(temp.resolve("daemon.log.4")).doesNotExist();
        List<String> kept = new ArrayList<>();
        for (String name : List.of("daemon.log.3", "daemon.log.2", "daemon.log.1", "daemon.log")) {
            kept.addAll(lines(temp.resolve(name)));
        }
        // the newest lines, whole and in order; the oldest file dropped
        assertThat(written).endsWith(kept.toArray(String[]::new));
        assertThat(kept.size()).isGreaterThan(10).isLessThan(written.size());
        assertThat(Files.size(temp.resolve("daemon.log.1"))).isBetween(1_000L, 1_200L);
        assertThat(Files.getPosixFilePermissions(log)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void aLargeLogRotatesAtStartAndASmallOneIsAppendedTo() throws Exception {
        Path log = temp.resolve("daemon.log");
        Files.writeString(log, "small\n");
        try (PrintStream out = new PrintStream(new RotatingLogFile(log, 100), true, StandardCharsets.UTF_8)) {
            out.println("next");
        }
        assertThat(lines(log)).containsExactly("small", "next");

        Files.writeString(log, "y".repeat(200) + "\n");
        try (PrintStream out = new PrintStream(new RotatingLogFile(log, 100), true, StandardCharsets.UTF_8)) {
            out.println("after");
        }
        assertThat(lines(log)).containsExactly("after");
        assertThat(lines(temp.resolve("daemon.log.1"))).containsExactly("y".repeat(200));
    }
}
