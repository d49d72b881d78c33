package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.control.DaemonState;
import dev.aegis.home.AegisHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training run's rehearsal of the early launch runs its code through and leaves nothing behind. */
class EarlyLaunchRehearsalTest {

    @TempDir
    Path temp;

    @Test
    void theRehearsalRunsTheEarlyLaunchCodeAndWritesNothing() throws Exception {
        Map<String, String> env = Map.of("AEGIS_HOME", temp.toString());
        AegisHome home = AegisHome.resolve(null, env);
        DaemonState state = new DaemonState(ProcessHandle.current().pid(), "127.0.0.1", 1, "test",
                java.time.Instant.now(), "aot-training", "token");

        assertThat(EarlyLaunchRehearsal.run(null, state, home, env)).isTrue();
        assertThat(EarlyLaunchRehearsal.run(null, null, home, env)).as("a training daemon that never served").isTrue();
        try (Stream<Path> left = Files.list(temp)) {
            assertThat(left).isEmpty();
        }
    }
}
