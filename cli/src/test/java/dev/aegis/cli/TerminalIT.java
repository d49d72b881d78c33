package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI in a real terminal: each command runs as its own process on a pseudo-terminal
 * (util-linux {@code script}), with the terminal's size set by {@code stty} and no {@code COLUMNS}.
 */
class TerminalIT {

    @TempDir
    Path temp;

    RunningDaemon daemon;

    @BeforeEach
    void setUp() throws Exception {
        daemon = new RunningDaemon(temp, null);
    }

    @AfterEach
    void tearDown() {
        daemon.close();
    }

    /** What a process on a pseudo-terminal printed, read as it comes. */
    static final class Pty implements AutoCloseable {
        final Process process;
        final StringBuffer output = new StringBuffer();

        Pty(int columns, String home, String... args) throws IOException {
            List<String> cli = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    "dev.aegis.cli.Main", "--home", home));
            cli.addAll(List.of(args));
            StringBuilder command = new StringBuilder("stty cols " + columns + " rows 40; exec");
            for (String a : cli) {
                command.append(" '").append(a.replace("'", "'\\''")).append('\'');
            }
            ProcessBuilder pb = new ProcessBuilder("script", "-qfec", command.toString(), "/dev/null").redirectErrorStream(true);
            pb.environment().remove("COLUMNS");
            pb.environment().put("TERM", "xterm-256color");
            process = pb.start();
            Thread.ofVirtual().start(() -> {
                try (InputStream in = process.getInputStream()) {
                    byte[] buf = new byte[4096];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
        }

        /** Types on the terminal. */
        void type(String keys) throws IOException {
            process.getOutputStream().write(keys.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        /** Waits until the screen has shown {@code text}, at most 30 s. */
        void awaitShown(String text) throws InterruptedException {
            awaitShown(0, text);
        }

        /** Waits until the screen has shown {@code text} after its first {@code from} characters, at most 30 s. */
        void awaitShown(int from, String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!output.substring(from).contains(text) && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(output.substring(from)).contains(text);
        }

        String waitForExit() throws InterruptedException {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output.toString()).isTrue();
            return output.toString();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    @Test
    void tailPrintsEachCallOnARealTerminal() throws Exception {
        try (Pty tail = new Pty(120, daemon.home, "tail", "--count", "1")) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // Calls until tail, once connected, shows one: it exits after the first (--count 1).
            while (tail.process.isAlive() && System.nanoTime() < deadline) {
                daemon.call(daemon.key, "gpt-4o-mini");
                tail.process.waitFor(300, TimeUnit.MILLISECONDS);
            }
            assertThat(tail.waitForExit()).contains("gpt-4o-mini").contains("200");
        }
    }

    @Test
    void tailOnATerminalIsALiveViewThatFiltersAndQuitsCleanly() throws Exception {
        // 80 columns: the filter must stay in view on a common terminal (it was cut off the header's end).
        try (Pty tail = new Pty(80, daemon.home, "tail")) {
            tail.awaitShown("since opened:");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!tail.output.toString().contains("gpt-4o-mini") && System.nanoTime() < deadline) {
                daemon.call(daemon.key, "gpt-4o-mini");
                Thread.sleep(200);
            }
            tail.awaitShown("gpt-4o-mini");
            tail.awaitShown("calls · $");

            tail.type("m");
            tail.awaitShown("model filter:");
            tail.type("gpt-5\r");
            tail.awaitShown("filter: model=gpt-5");

            tail.type("q");
            String out = tail.waitForExit();
            assertThat(tail.process.exitValue()).isZero();
            // The alternate screen was entered, and left at the end: the user's screen is back as it was.
            assertThat(out).contains("\u001b[?1049h");
            assertThat(out.lastIndexOf("\u001b[?1049l")).isGreaterThan(out.lastIndexOf("\u001b[?1049h"));
        }
    }

    /**
     * The header says live once the daemon answers, before any call, and again once tail has reconnected
     * to a restarted daemon (an outside review saw "waiting for it" there until the next call came).
     */
    @Test
    void tailsHeaderIsLiveOnceConnectedAndAgainAfterTheDaemonRestarts() throws Exception {
        try (Pty tail = new Pty(120, daemon.home, "tail")) {
            // jline rewrites only what changed on a line ("[connecting…]" becomes "[live]" by "live", the rest
            // moved or deleted): "live", which nothing else on the screen says
            tail.awaitShown("live");
            assertThat(daemon.aegis("stop").exitCode()).isZero();
            tail.awaitShown("the daemon is not running");
            int waiting = tail.output.length();
            assertThat(daemon.aegis("start", "--port", "0").exitCode()).isZero();
            tail.awaitShown(waiting, "live");
            tail.type("q");
            tail.waitForExit();
        }
    }

    @Test
    void usageChartFitsTheTerminalItIsShownIn() throws Exception {
        daemon.call(daemon.key, "gpt-4o-mini");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Json.mapper().readTree(daemon.aegis("usage", "--format", "json").out())
                .at("/total/requests").asLong() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        for (int columns : new int[] {60, 110}) {
            try (Pty usage = new Pty(columns, daemon.home, "usage", "--chart")) {
                String out = usage.waitForExit().replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", "");
                int widest = out.lines().filter(l -> l.contains("\u2588")).mapToInt(String::length).max().orElse(0);
                assertThat(widest).as(out).isLessThanOrEqualTo(columns).isGreaterThan(columns - 15);
            }
        }
    }
}
