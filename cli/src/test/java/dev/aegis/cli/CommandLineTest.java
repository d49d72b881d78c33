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

    /** Found by an outside review: each was an "unexpected error" with an exception's name, or exit 0 doing harm. */
    @Test
    void hostileValuesAreUsageErrorsThatDoNothing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path temp) throws Exception {
        String home = temp.resolve("home").toString();
        String[][] refused = {
            {"start", "--port", "0", "--host", ""}, {"start", "--port", "0", "--host", "127.0.0.1 x"},
            {"start", "--port", "0", "--wait", "999999999d"}, {"stop", "--timeout", "9223372036854775807"},
            {"keygen", "--name", "t", "--expires", "9223372036854775807"}, {"keygen", "--name", "t", "--expires", "0"},
            {"keygen", "--name", "t", "--expires", " 5 "}, {"keygen", "--name", "t", "--models", ""},
            {"keygen", "--name", "t", "--models", ","}, {"keygen", "--name", "t", "--models", "gpt\u001b[31m"},
            {"usage", "--since", "99999999999999d"}, {"env", "claude", "--key", "x$(touch " + temp.resolve("pwned") + ")"},
            {"init", "codex", "--key", "x\nexport EVIL=1"}, {"receipts", "verify", "--dir", ""},
            {"usage", "--since", "2026-12-05", "--until", "2026-12-01"}, {"usage", "--json", "--format", "csv"},
            {"start", "--port", "\u0661\u0662\u0663"}, {"keygen", "--name", "t", "--rpm", "\u0665"},
            {"keygen", "--name", "t", "--credits", "\u0665"}, {"keygen", "--name", "t", "--credits", "1e3"},
            {"keygen", "--name", "t", "--rpm", "99999999999"},
        };
        for (String[] args : refused) {
            CliRun run = CliRun.run(ENV, CliRun.args(home, args));
            assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run.all()).isEqualTo(ExitCode.USAGE);
            assertThat(run.all()).as(String.join(" ", args)).doesNotContain("Exception").doesNotContain("unexpected error");
        }
        CliRun emptyHome = CliRun.run(ENV, "--home", "", "keys", "list");
        assertThat(emptyHome.exitCode()).as(emptyHome.all()).isEqualTo(ExitCode.USAGE);
        assertThat(emptyHome.err()).contains("--home is empty");
        assertThat(temp.resolve("pwned")).doesNotExist();
        assertThat(java.nio.file.Path.of(home, "daemon.json")).as("no daemon started").doesNotExist();
        assertThat(CliRun.run(ENV, CliRun.args(home, "keys", "list", "--json")).out()).as("no key minted").doesNotContain("\"t\"");
        java.nio.file.Path empty = java.nio.file.Files.createDirectory(temp.resolve("no-receipts"));
        CliRun nothing = CliRun.run(ENV, CliRun.args(home, "receipts", "verify", "--dir", empty.toString()));
        assertThat(nothing.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(nothing.err()).contains("nothing to verify");
    }

    @Test
    void anErrorQuotingAnArgumentShowsItsControlCharactersAsText(@org.junit.jupiter.api.io.TempDir java.nio.file.Path temp)
            throws Exception {
        java.nio.file.Files.createDirectories(temp.resolve("home"));
        CliRun run = CliRun.run(ENV, CliRun.args(temp.resolve("home").toString(), "keys", "show", "k\u001b[2J\u001b]0;x\u0007"));
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("\\x1b[2J").doesNotContain("\u001b").doesNotContain("\u0007");
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
