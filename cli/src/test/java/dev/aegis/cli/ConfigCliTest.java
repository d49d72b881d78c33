package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `aegis config init|check`. */
class ConfigCliTest {

    @TempDir
    Path temp;

    private CliRun aegis(String... args) {
        return CliRun.run(Map.of(), CliRun.args(temp.resolve("home").toString(), args));
    }

    @Test
    void initWritesACommentedConfigThatChecksOk() throws Exception {
        // A zero-config home: the defaults apply, as they do for the daemon.
        CliRun zero = aegis("config", "check");
        assertThat(zero.exitCode()).as(zero.all()).isZero();
        assertThat(zero.out()).contains("(the defaults and the environment): OK");

        CliRun init = aegis("config", "init");
        assertThat(init.exitCode()).as(init.all()).isZero();
        Path file = temp.resolve("home/aegis.yaml");
        assertThat(Files.readString(file)).contains("# Aegis configuration").contains("governance:");

        CliRun check = aegis("config", "check");
        assertThat(check.exitCode()).as(check.all()).isZero();
        assertThat(check.out()).contains(": OK");

        assertThat(aegis("config", "init").exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(aegis("config", "init", "--force").exitCode()).isZero();
    }

    @Test
    void checkNamesEachErrorByItsPath() throws Exception {
        Path bad = temp.resolve("bad.yaml");
        Files.writeString(bad, "server: { port: -1 }\nretry: { attempts: many }\nrates: 3\n");

        CliRun check = aegis("config", "check", bad.toString());

        assertThat(check.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(check.out()).contains("3 error(s)", "  server.port: ", "  retry.attempts: ", "  rates: unknown key");
        assertThat(aegis("config", "check", temp.resolve("missing.yaml").toString()).out()).contains("not found");
    }
}
