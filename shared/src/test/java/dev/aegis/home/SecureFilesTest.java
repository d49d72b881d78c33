package dev.aegis.home;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecureFilesTest {

    @TempDir
    Path temp;

    @Test
    void atomicWriteIsOwnerOnlyAndReplaces() throws Exception {
        Path f = temp.resolve("sub/state.json");
        SecureFiles.writeAtomically(f, "one".getBytes());
        SecureFiles.writeAtomically(f, "two".getBytes());

        assertThat(f).hasContent("two");
        assertThat(Files.getPosixFilePermissions(f)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(f.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        try (var files = Files.list(f.getParent())) {
            assertThat(files).containsExactly(f);
        }
    }

    @Test
    void homeResolutionPrefersFlagThenEnvironment() {
        assertThat(AegisHome.resolve("/a", Map.of("AEGIS_HOME", "/b")).root()).isEqualTo(Path.of("/a"));
        assertThat(AegisHome.resolve(null, Map.of("AEGIS_HOME", "/b")).root()).isEqualTo(Path.of("/b"));
        assertThat(AegisHome.resolve(null, Map.of()).root())
                .isEqualTo(Path.of(System.getProperty("user.home"), ".aegis"));
        assertThat(AegisHome.resolve("~/x", Map.of()).root()).isEqualTo(Path.of(System.getProperty("user.home"), "x"));
    }
}
