package dev.aegis.cli.commands;

import dev.aegis.cli.CliContext;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.doctor.AgentClient;
import dev.aegis.cli.doctor.Doctor;
import dev.aegis.cli.doctor.DoctorReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aegis doctor [--client codex|claude] [--json]}: the setup checked end to end, each problem with its fix. */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Check the setup end to end and print each problem with its fix.",
            "It checks the daemon, the config, the client's settings and key, and replays the",
            "client's real request (a streamed Codex Responses call, a streamed Claude Code Messages call) through a",
            "throwaway daemon that reads your config but whose providers are a built-in fake: no tokens are spent.",
            "Exit code: 0 when nothing failed, 1 otherwise."
        })
public final class DoctorCommand implements Callable<Integer> {

    private final CliContext context;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** What shell completion offers for --client. */
    static final class Clients extends java.util.ArrayList<String> {
        Clients() {
            super(java.util.List.of("codex", "claude"));
        }
    }

    @Option(names = "--client", paramLabel = "codex|claude", completionCandidates = Clients.class,
            description = "Check this client's settings and replay only its request (default: replay both, skip client settings).")
    String client;

    @Option(names = "--json", description = "Print machine-readable JSON.")
    boolean json;

    public DoctorCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        AgentClient agent = null;
        if (client != null) {
            agent = switch (client.toLowerCase(java.util.Locale.ROOT)) {
                case "codex" -> AgentClient.CODEX;
                case "claude" -> AgentClient.CLAUDE;
                default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "unknown client '" + client + "' (known: codex, claude)");
            };
        }
        DoctorReport report = new Doctor(context).run(agent);
        if (json) {
            report.printJson(context.out(), client == null ? null : agent.id());
        } else {
            report.printText(context.out());
        }
        return report.ok() ? ExitCode.OK : ExitCode.FAILED;
    }
}
