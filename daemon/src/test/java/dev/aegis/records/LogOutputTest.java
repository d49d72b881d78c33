package dev.aegis.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A batch's lines leave in one write at its end; every other line leaves at its own flush. */
class LogOutputTest {

    /** The underlying file: records each write it is given. */
    static final class Writes extends ByteArrayOutputStream {
        final List<String> writes = new ArrayList<>();

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes.add(new String(b, off, len, StandardCharsets.UTF_8));
            super.write(b, off, len);
        }
    }

    @Test
    void aLineOutsideABatchIsWrittenAtItsFlush() {
        Writes file = new Writes();
        PrintStream log = new PrintStream(new LogOutput(file), true, StandardCharsets.UTF_8);
        log.println("one");
        assertThat(file.writes).containsExactly("one\n");
        log.println("two");
        assertThat(file.writes).containsExactly("one\n", "two\n");
    }

    @Test
    void aBatchsLinesLeaveTogetherAtItsEnd() {
        Writes file = new Writes();
        LogOutput out = new LogOutput(file);
        PrintStream log = new PrintStream(out, true, StandardCharsets.UTF_8);
        out.inOneWrite(() -> {
            for (int i = 0; i < 64; i++) {
                log.println("call " + i);
                log.flush();
            }
            assertThat(file.writes).isEmpty();
        });
        assertThat(file.writes).hasSize(1);
        assertThat(file.writes.getFirst()).startsWith("call 0\ncall 1\n").endsWith("call 63\n");
        log.println("after");
        assertThat(file.writes).hasSize(2).last().isEqualTo("after\n");
    }

    @Test
    void anotherThreadsLineDuringABatchIsNotHeldBack() {
        Writes file = new Writes();
        LogOutput out = new LogOutput(file);
        PrintStream log = new PrintStream(out, true, StandardCharsets.UTF_8);
        out.inOneWrite(() -> {
            log.println("call 1");
            CompletableFuture.runAsync(() -> log.println("an error elsewhere")).join();
            // Its flush took the batch's line so far along: nothing is reordered or lost.
            assertThat(file.toString(StandardCharsets.UTF_8)).isEqualTo("call 1\nan error elsewhere\n");
            log.println("call 2");
        });
        assertThat(file.toString(StandardCharsets.UTF_8)).isEqualTo("call 1\nan error elsewhere\ncall 2\n");
    }

    @Test
    void aBatchLargerThanTheBufferLosesNothing() {
        Writes file = new Writes();
        LogOutput out = new LogOutput(file);
        PrintStream log = new PrintStream(out, true, StandardCharsets.UTF_8);
        String line = "x".repeat(1000);
        out.inOneWrite(() -> {
            for (int i = 0; i < 100; i++) {
                log.println(line);
            }
        });
        log.println("y".repeat(40_000));
        assertThat(file.toString(StandardCharsets.UTF_8)).isEqualTo((line + "\n").repeat(100) + "y".repeat(40_000) + "\n");
        assertThat(file.writes.size()).isLessThan(10);
    }
}
