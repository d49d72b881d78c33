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
    void exitedMeansAZombieWithNoThreadLeft(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nState:\tZ (zombie)\nTgid:\t123\nThreads:\t1\n");
        assertThat(ProcessLiveness.exited(status)).isTrue();
        // The first thread gone, another still being torn down: the process still holds its lock.
        Files.writeString(status, "Name:\tjava\nState:\tZ (zombie)\nThreads:\t2\n");
        assertThat(ProcessLiveness.exited(status)).isFalse();
        Files.writeString(status, "Name:\tjava\nState:\tS (sleeping)\nThreads:\t31\n");
        assertThat(ProcessLiveness.exited(status)).isFalse();
        Files.writeString(status, "Name:\tjava\nState:\tX (dead)\nThreads:\t1\n");
        assertThat(ProcessLiveness.exited(status)).isTrue();
        Files.writeString(status, "Name:\tjava\nState:\tZ (zombie)\n");
        assertThat(ProcessLiveness.exited(status)).as("threads not told").isFalse();
        assertThat(ProcessLiveness.exited(dir.resolve("absent"))).isFalse();
    }
}
