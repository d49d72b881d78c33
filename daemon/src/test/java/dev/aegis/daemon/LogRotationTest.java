package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRotationTest {

    @TempDir
    Path temp;

    @Test
    void largeLogsRotateAndTheOldestIsDropped() throws Exception {
        Path log = temp.resolve("daemon.log");
        for (int round = 1; round <= 5; round++) {
            Files.write(log, new byte[(int) LogRotation.MAX_BYTES]);
            Files.writeString(temp.resolve("marker-" + round), "");
            LogRotation.rotate(log, LogRotation.MAX_BYTES);
        }
        assertThat(log).doesNotExist();
        assertThat(temp.resolve("daemon.log.1")).exists();
        assertThat(temp.resolve("daemon.log.3")).exists();
        assertThat(temp.resolve("daemon.log.4")).doesNotExist();

        Files.writeString(log, "small");
        LogRotation.rotate(log, LogRotation.MAX_BYTES);
        assertThat(log).hasContent("small");
    }
}
