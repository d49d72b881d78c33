package dev.aegis.cli.doctor;

import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.cli.ClientSetup;
import dev.aegis.cli.ConfigCheck;
import dev.aegis.cli.daemon.DaemonLocator;
import dev.aegis.cli.daemon.DaemonStatus;
import dev.aegis.config.ProviderConfig;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the checks in the order a user fixes them: the daemon, the config, the client's settings,
 * the replay of the client's request, and the keys of the providers the replay reached.
 */
public final class Doctor {

    private final CliContext context;

    public Doctor(CliContext context) {
        this.context = context;
    }

    /** @param client the client to check, or null for both replays and no client settings */
    public DoctorReport run(AgentClient client) {
        DoctorReport report = new DoctorReport();
        report.add(SetupChecks.daemon(context));
        DaemonStatus status = new DaemonLocator(context.home()).locate();
        Optional<Map.Entry<Long, Map<String, String>>> daemon = status.state().filter(s -> status.running())
                .flatMap(s -> DaemonEnvironment.of(s.pid()).map(env -> Map.entry(s.pid(), env)));
        // The config as the running daemon reads it, in its environment: this shell is the client's, where the README
        // has OPENAI_API_KEY hold the Aegis key (a provider key the daemon would refuse).
        CliContext asDaemon = daemon.map(d -> context.withEnv(d.getValue())).orElse(context);
        ConfigCheck config = ConfigCheck.of(asDaemon, ConfigCheck.daemonConfigFile(asDaemon),
                ConfigCheck.daemonConfigRequired(asDaemon));
        report.add(SetupChecks.config(config));
        if (client != null) {
            try {
                report.addAll(ClientConfigCheck.check(client, context, ClientSetup.baseUrl(context)));
            } catch (CliException e) {
                report.add(Finding.fail("client config", "cannot tell where Aegis listens: " + e.getMessage(),
                        "fix the config first"));
            }
        }
        if (!config.valid()) {
            report.add(Finding.fail("replay", "skipped: the config is not valid", "fix the config first"));
            return report;
        }
        try {
            report.addAll(McpCheck.check(client, context, config.config()));
        } catch (CliException e) {
            report.add(Finding.warn("mcp client", "cannot tell where Aegis listens: " + e.getMessage(), "fix the config first"));
        }
        List<AgentClient> clients = client == null ? List.of(AgentClient.values()) : List.of(client);
        Set<ProviderConfig> reached = new LinkedHashSet<>();
        try (ReplayRig rig = ReplayRig.start(config.file(), config.config(), context.env())) {
            for (AgentClient c : clients) {
                Replay replay = Replay.run(c, model(c), bearer(c), rig, config.config());
                report.add(replay.finding());
                replay.provider().ifPresent(reached::add);
            }
        } catch (CliException e) {
            report.add(Finding.fail("replay", "could not start the replay daemon: " + e.getMessage().lines().findFirst().orElse(""),
                    "run aegis start --foreground to see why the daemon does not start"));
        }
        if (reached.isEmpty()) {
            config.config().defaultProvider().map(name -> config.config().providers().get(name)).ifPresent(reached::add);
        }
        reached.forEach(p -> report.add(SetupChecks.providerKey(p, daemon)));
        return report;
    }

    private String model(AgentClient c) {
        return c == AgentClient.CODEX ? ClientConfigCheck.codexModel(context) : ClientConfigCheck.claudeModel(context);
    }

    private boolean bearer(AgentClient c) {
        return c == AgentClient.CODEX || ClientConfigCheck.tokenVariable(context.env()).equals("ANTHROPIC_AUTH_TOKEN");
    }
}
