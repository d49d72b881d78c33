package dev.aegis.control;

import dev.aegis.home.SecureFiles;
import dev.aegis.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Reads and writes {@code daemon.json} atomically with mode 0600. */
public final class DaemonStateFile {

    private final Path path;

    public DaemonStateFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    public void write(DaemonState state) throws IOException {
        SecureFiles.writeAtomically(path, Json.writePretty(state).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The state, or empty when the file is missing or unreadable (a torn or foreign file counts as none). */
    public Optional<DaemonState> read() {
        try {
            return Optional.of(DaemonState.fromJson(Files.readAllBytes(path)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public void delete() throws IOException {
        Files.deleteIfExists(path);
    }
}
