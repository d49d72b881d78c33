package dev.aegis.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.control.DaemonState;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.home.AegisHome;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonLocatorTest {

    @TempDir
    Path temp;

    /**
     * After a kill -9, the launcher script's early daemon holds the lock before it writes its state: the
     * killed daemon's state left behind is not the one running ("already running" about a dead pid).
     */
    @Test
    void theStateOfADaemonWhoseProcessIsGoneIsNotTheLockHoldersState() throws Exception {
        AegisHome home = new AegisHome(temp.resolve("home"));
        home.ensureCreated();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        new DaemonStateFile(home.daemonState()).write(new DaemonState(gone.pid(), "127.0.0.1", 8787, "test",
                Instant.now(), "killed-instance", "token"));
        Files.createFile(home.daemonLock());
        try (FileChannel ch = FileChannel.open(home.daemonLock(), StandardOpenOption.WRITE); FileLock held = ch.lock()) {
            DaemonStatus status = new DaemonLocator(home).locate();
            assertThat(status.lockHeld()).isTrue();
            assertThat(status.running()).as("running, by the dead daemon's state").isFalse();

            new DaemonStateFile(home.daemonState()).write(new DaemonState(ProcessHandle.current().pid(), "127.0.0.1", 8787,
                    "test", Instant.now(), "live-instance", "token"));
            assertThat(new DaemonLocator(home).locate().running()).as("a live holder's state").isTrue();
        }
    }
}
