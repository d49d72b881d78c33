package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.aegis.home.AegisHome;
import dev.aegis.home.UserHome;
import java.io.IOException;
import java.nio.file.Path;

/** Codex's {@code config.toml}: where it is ({@code $CODEX_HOME}, else {@code ~/.codex}) and its parsed tree. */
public final class CodexConfigFile {

    private CodexConfigFile() {}

    public static Path location(CliContext context) {
        String codexHome = context.env().get("CODEX_HOME");
        Path dir = codexHome != null && !codexHome.isBlank() ? AegisHome.expandTilde(codexHome)
                : UserHome.of(context.env()).resolve(".codex");
        return dir.resolve("config.toml");
    }

    /** The file's tree; IOException when it cannot be read or is not valid TOML. */
    public static JsonNode read(Path file) throws IOException {
        return new TomlMapper().readTree(file.toFile());
    }
}
