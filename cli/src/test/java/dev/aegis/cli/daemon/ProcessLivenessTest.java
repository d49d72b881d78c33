package dev.aegis.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that has exited but is not reaped yet (a zombie, as the daemon is until whatever adopted
 * it reaps it) has stopped running, though {@link ProcessHandle#isAlive} still says yes: {@code
 * aegis stop} waited for the reaping, 2.5 s a stop on a machine whose init reaps late, and would
 * wait its whole timeout and then kill under a container's first process that reaps nothing.
 */
class ProcessLivenessTest {

    @Test
    @EnabledOnOs(OS.LINUX)
    void anExitedProcessNotYetReapedHasStopped() throws Exception {
        // sh starts a short sleep in the background, prints its pid and becomes a long sleep that
        // never waits for it: the short one exits and stays a zombie while the long one runs.
        Process parent = new ProcessBuilder("/bin/sh", "-c", "sleep 0.2 & echo $!; exec sleep 30").start();
        try {
            long pid;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
                pid = Long.parseLong(out.readLine().strip());
                ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
                assertThat(ProcessLiveness.running(child)).as("the short sleep, still sleeping").isTrue();
                assertThat(ProcessLiveness.awaitExit(child, Duration.ofSeconds(10))).as("seen as stopped once it exited").isTrue();
                assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))).as("still there, a zombie").contains(") Z ");
                assertThat(child.isAlive()).as("what the JDK says of a zombie").isTrue();
            }
        } finally {
            parent.destroyForcibly();
            parent.waitFor();
        }
    }

    @Test
    void aRunningProcessRunsUntilItStops() {
        ProcessHandle self = ProcessHandle.current();
        assertThat(ProcessLiveness.running(self)).isTrue();
        assertThat(ProcessLiveness.awaitExit(self, Duration.ofMillis(50))).isFalse();
    }

    @Test
    void theStateIsReadAfterTheCommandWhateverItsName(@TempDir Path dir) throws Exception {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "123 (a (weird) name) Z 1 123 123 0 -1");
        assertThat(ProcessLiveness.exited(stat)).isTrue();
        Files.writeString(stat, "123 (Z) S 1 123 123 0 -1");
        assertThat(ProcessLiveness.exited(stat)).isFalse();
        Files.writeString(stat, "123 (java) X 1");
        assertThat(ProcessLiveness.exited(stat)).isTrue();
        assertThat(ProcessLiveness.exited(dir.resolve("absent"))).isFalse();
    }
}
