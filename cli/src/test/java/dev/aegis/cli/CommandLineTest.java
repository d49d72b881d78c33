package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exit codes and help of the command line itself. */
class CommandLineTest {

    private static final Map<String, String> ENV = Map.of();

    @Test
    void versionAndHelp() {
        assertThat(CliRun.run(ENV, "--version").out()).startsWith("aegis ");
        CliRun help = CliRun.run(ENV, "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("start", "stop", "status", "--home");
        assertThat(CliRun.run(ENV, "stop", "--help").out()).contains("--timeout");
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(CliRun.run(ENV, "--no-such-flag").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(CliRun.run(ENV, "start", "--port", "abc").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(CliRun.run(ENV, "stop", "--timeout", "soon").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(CliRun.run(ENV).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(CliRun.run(ENV, "doctor", "--client", "vim").exitCode()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void homeIsAcceptedBeforeOrAfterTheCommand(@org.junit.jupiter.api.io.TempDir java.nio.file.Path temp) {
        String dir = temp.resolve("h").toString();
        assertThat(CliRun.run(ENV, "status", "--home", dir, "--json").out()).contains("\"home\":\"" + dir + "\"");
        assertThat(CliRun.run(ENV, "--home", dir, "status", "--json").out()).contains("\"home\":\"" + dir + "\"");
    }

    @Test
    void completionScriptsKnowEveryCommandAndItsOptions() {
        CliRun bash = CliRun.run(ENV, "completion", "bash");
        assertThat(bash.exitCode()).isZero();
        assertThat(bash.out()).contains("complete -F _complete_aegis").contains("doctor").contains("completion")
                .contains("--client").contains("(\"codex\" \"claude\")");
        CliRun zsh = CliRun.run(ENV, "completion", "zsh");
        assertThat(zsh.exitCode()).isZero();
        assertThat(zsh.out()).contains("ZSH_VERSION").contains("bashcompinit").contains("_complete_aegis");
        assertThat(CliRun.run(ENV, "completion", "fish").exitCode()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void aCommandLineNamingOneCommandRegistersOnlyItAndHelpsTheSame() {
        for (Class<?> command : AegisCommand.COMMANDS) {
            String name = command.getAnnotation(picocli.CommandLine.Command.class).name();
            java.io.StringWriter full = new java.io.StringWriter();
            AegisCli.commandLine(new java.io.PrintWriter(full), new java.io.PrintWriter(new java.io.StringWriter()), ENV)
                    .getSubcommands().get(name).usage(new java.io.PrintWriter(full));
            java.io.StringWriter alone = new java.io.StringWriter();
            picocli.CommandLine cmd = AegisCli.forArguments(new java.io.PrintWriter(alone),
                    new java.io.PrintWriter(new java.io.StringWriter()), ENV, new String[] {"--home", "x", name, "--help"});
            if (name.equals("completion")) {
                assertThat(cmd.getSubcommands()).as("completion scripts need every command").hasSameSizeAs(AegisCommand.COMMANDS);
            } else {
                assertThat(cmd.getSubcommands().keySet()).as(name).containsExactly(name);
            }
            cmd.getSubcommands().get(name).usage(new java.io.PrintWriter(alone));
            assertThat(alone.toString()).as(name).isEqualTo(full.toString());
        }
    }

    @Test
    void withoutACommandNameEveryCommandIsRegistered() {
        assertThat(AegisCli.named(new String[] {"--home", "start"})).isEmpty();
        assertThat(AegisCli.named(new String[] {"strat"})).isEmpty();
        assertThat(AegisCli.named(new String[] {"--help"})).isEmpty();
        assertThat(CliRun.run(ENV, "starrt").err()).contains("start"); // "strat" now suggests status, stop, store
    }
}
