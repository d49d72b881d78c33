package dev.aegis.cli;

import dev.aegis.cli.commands.CompletionCommand;
import dev.aegis.cli.commands.BenchCommand;
import dev.aegis.cli.commands.ConfigCommand;
import dev.aegis.cli.commands.CreditsCommand;
import dev.aegis.cli.commands.DoctorCommand;
import dev.aegis.cli.commands.EnvCommand;
import dev.aegis.cli.commands.InitCommand;
import dev.aegis.cli.commands.KeygenCommand;
import dev.aegis.cli.commands.KeysCommand;
import dev.aegis.cli.commands.ReceiptsCommand;
import dev.aegis.cli.commands.RunCommand;
import dev.aegis.cli.commands.StartCommand;
import dev.aegis.cli.commands.StatusCommand;
import dev.aegis.cli.commands.StopCommand;
import dev.aegis.cli.commands.StoreCommand;
import dev.aegis.cli.commands.TailCommand;
import dev.aegis.cli.commands.DashboardCommand;
import dev.aegis.cli.commands.McpCommand;
import dev.aegis.cli.commands.UsageCommand;
import dev.aegis.control.AegisVersion;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top command: {@code aegis [--home DIR] COMMAND}. */
@Command(
        name = "aegis",
        mixinStandardHelpOptions = true,
        versionProvider = AegisCommand.Version.class,
        description = {
            "Aegis: a local AI gateway for coding agents.",
            "Point Codex, Claude Code or any OpenAI/Anthropic client at it:",
            "http://127.0.0.1:8787 by default."
        },
        footer = {"", "Quick start:  export OPENAI_API_KEY=sk-...  &&  aegis start"})
public final class AegisCommand implements Runnable {

    /**
     * Every command, in the order help lists them. Registered by {@link AegisCli}: all of them, or
     * only the one a command line names (building picocli's model of every command costs ~170 ms
     * of a CLI start).
     */
    static final List<Class<?>> COMMANDS = List.of(
            StartCommand.class,
            StopCommand.class,
            StatusCommand.class,
            KeygenCommand.class,
            KeysCommand.class,
            CreditsCommand.class,
            UsageCommand.class,
            ReceiptsCommand.class,
            StoreCommand.class,
            InitCommand.class,
            EnvCommand.class,
            RunCommand.class,
            DoctorCommand.class,
            TailCommand.class,
            DashboardCommand.class,
            McpCommand.class,
            ConfigCommand.class,
            CompletionCommand.class,
            BenchCommand.class);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final CliContext context;

    public AegisCommand(CliContext context) {
        this.context = context;
    }

    @Option(
            names = "--home",
            paramLabel = "DIR",
            scope = ScopeType.INHERIT,
            description = "Aegis home folder (default: $AEGIS_HOME or ~/.aegis).")
    void home(String home) {
        if (home.isBlank()) {
            // An unset variable (`--home "$DIR"`) silently meant $AEGIS_HOME or ~/.aegis: another home than asked.
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--home is empty: give the home folder");
        }
        context.homeFlag(home);
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required (try: aegis start, aegis status, aegis --help)");
    }

    /** Reports the build's version. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"aegis " + AegisVersion.get()};
        }
    }
}
