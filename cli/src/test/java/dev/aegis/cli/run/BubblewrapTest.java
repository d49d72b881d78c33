package dev.aegis.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link Bubblewrap} hides and how it says it cannot (the real isolation: {@code RunIsolationIT}). */
class BubblewrapTest {

    @TempDir
    Path temp;

    @Test
    void withoutBwrapOnThePathItSaysWhatToInstall() throws Exception {
        Path empty = Files.createDirectories(temp.resolve("bin"));

        assertThatThrownBy(() -> Bubblewrap.find(empty.toString(), List.of(temp)))
                .isInstanceOf(Bubblewrap.Unavailable.class)
                .hasMessage("bwrap is not installed (Debian/Ubuntu package bubblewrap)");
        assertThatThrownBy(() -> Bubblewrap.find(null, List.of(temp))).isInstanceOf(Bubblewrap.Unavailable.class);
    }

    @Test
    void aBwrapThatCannotCreateNamespacesIsReportedWithItsOwnWords() throws Exception {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path bwrap = bin.resolve("bwrap");
        Files.writeString(bwrap, "#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n");
        Files.setPosixFilePermissions(bwrap, PosixFilePermissions.fromString("rwx------"));

        assertThatThrownBy(() -> Bubblewrap.find(bin.toString(), List.of(temp)))
                .isInstanceOf(Bubblewrap.Unavailable.class)
                .hasMessage("bwrap cannot create a sandbox here (bwrap: setting up uid map: Permission denied)");
    }

    @Test
    void hidesFoldersUnderATmpfsAndFilesUnderAnEmptyFileOnceEach() throws Exception {
        String path = realBwrapPath();
        Path home = Files.createDirectories(temp.resolve("real-home"));
        Path linked = Files.createSymbolicLink(temp.resolve("home-link"), home);
        Path inside = Files.createDirectories(home.resolve("receipts"));
        Path db = Files.writeString(temp.resolve("elsewhere.db"), "x");
        Path missing = temp.resolve("elsewhere.db-wal");

        Bubblewrap bwrap;
        try {
            bwrap = Bubblewrap.find(path, List.of(linked, inside, db, missing));
        } catch (Bubblewrap.Unavailable e) {
            Assumptions.assumeTrue(System.getenv("CI") != null || "required".equals(System.getenv("AEGIS_TEST_ISOLATION")),
                    "bwrap cannot isolate here: " + e.getMessage());
            throw e;
        }

        assertThat(bwrap.hidden()).containsExactly(home.toRealPath(), db.toRealPath());
        List<String> args = bwrap.wrap(List.of("codex", "--x"));
        String real = home.toRealPath().toString();
        assertThat(String.join(" ", args)).contains("--dev-bind / / --unshare-pid --proc /proc")
                .contains("--tmpfs " + real + " --remount-ro " + real)
                .contains("--ro-bind /dev/null " + db.toRealPath())
                .endsWith("-- codex --x")
                .doesNotContain("--unshare-net").doesNotContain("--unshare-all");
        assertThat(bwrap.hiding(inside.resolve("x"))).contains(home.toRealPath());
        assertThat(bwrap.hiding(linked)).contains(home.toRealPath());
        assertThat(bwrap.hiding(temp)).isEmpty();
    }

    private static String realBwrapPath() {
        String path = System.getenv().getOrDefault("PATH", "");
        Assumptions.assumeTrue(Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty())
                .anyMatch(d -> Files.isExecutable(Path.of(d, "bwrap"))), "bwrap is not installed");
        return path;
    }
}
