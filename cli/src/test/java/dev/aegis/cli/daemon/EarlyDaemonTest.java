package dev.aegis.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EarlyDaemonTest {

    @TempDir
    Path temp;

    /**
     * The pipe the script announces is a name like {@code /dev/fd/3}: when the descriptor was not
     * inherited, that name is one of the CLI JVM's own open files (its runtime's {@code lib/modules}
     * is fd 3), and a write through it truncated that file and broke the install. Only a pipe is written to.
     */
    @Test
    void aPipeThatIsARegularFileIsNeverWritten() throws Exception {
        Path notAPipe = Files.writeString(temp.resolve("modules"), "the runtime's classes");
        EarlyDaemon early = EarlyDaemon.announced(Map.of(
                EarlyDaemon.PID_ENV, Long.toString(ProcessHandle.current().pid()),
                EarlyDaemon.PIPE_ENV, notAPipe.toString(),
                EarlyDaemon.HOME_ENV, temp.toString(),
                EarlyDaemon.INSTANCE_ENV, "early-test")).orElseThrow();

        early.dismiss(Duration.ZERO);
        assertThat(early.hand(List.of("--port", "0"))).isFalse();

        assertThat(notAPipe).hasContent("the runtime's classes");
    }
}
