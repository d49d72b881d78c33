package dev.aegis.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Rotates the daemon log once it is large ({@link RotatingLogFile}: at a start and while the daemon
 * runs): {@code daemon.log.1} ... {@code .3}, the oldest dropped.
 */
final class LogRotation {

    static final long MAX_BYTES = 10L * 1024 * 1024;
    static final int KEEP = 3;

    private LogRotation() {}

    static void rotate(Path log, long maxBytes) throws IOException {
        if (!Files.exists(log) || Files.size(log) < maxBytes) {
            return;
        }
        Files.deleteIfExists(log.resolveSibling(log.getFileName() + "." + KEEP));
        for (int i = KEEP - 1; i >= 1; i--) {
            Path from = log.resolveSibling(log.getFileName() + "." + i);
            if (Files.exists(from)) {
                Files.move(from, log.resolveSibling(log.getFileName() + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
    }
}
