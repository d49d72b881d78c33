package dev.aegis.cli.doctor;

import dev.aegis.cli.CliContext;
import dev.aegis.cli.output.TerminalText;
import dev.aegis.cli.ConfigCheck;
import dev.aegis.cli.daemon.DaemonClient;
import dev.aegis.cli.daemon.DaemonLocator;
import dev.aegis.cli.daemon.DaemonStatus;
import dev.aegis.config.ConfigError;
import dev.aegis.config.ProviderConfig;
import dev.aegis.control.AegisVersion;
import dev.aegis.control.DaemonState;
import dev.aegis.control.HealthPayload;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The checks that do not depend on a client: the daemon, the config file, a provider's key. */
final class SetupChecks {

    private SetupChecks() {}

    static Finding daemon(CliContext context) {
        DaemonStatus status = new DaemonLocator(context.home()).locate();
        if (!status.running()) {
            return status.lockHeld()
                    ? Finding.fail("daemon", "an Aegis daemon for " + context.home().root() + " is starting or stopping",
                            "wait a moment, then run aegis doctor again")
                    : Finding.fail("daemon", "Aegis is not running (home " + context.home().root() + ")", "aegis start");
        }
        DaemonState state = status.state().orElseThrow();
        Optional<HealthPayload> health = new DaemonClient().health(state);
        if (health.isEmpty()) {
            return Finding.fail("daemon", "pid " + state.pid() + " holds " + context.home().root() + " but does not answer at "
                    + state.url(), "aegis stop && aegis start   (its log: " + context.home().daemonLog() + ")");
        }
        if (!state.version().equals(AegisVersion.get())) {
            return Finding.warn("daemon", "running at " + state.url() + " is version " + state.version()
                    + ", this aegis command is " + AegisVersion.get(), "aegis stop && aegis start");
        }
        return Finding.pass("daemon", "running at " + state.url() + " (pid " + state.pid() + ", version " + state.version()
                + ", " + TerminalText.counted(health.get().requestsServed(), "request") + " served)");
    }

    static Finding config(ConfigCheck check) {
        if (check.valid()) {
            return Finding.pass("config", Files.exists(check.file()) ? check.file() + " is valid"
                    : "no " + check.file() + "; the defaults apply (zero-config)");
        }
        String errors = check.errors().stream().limit(3).map(ConfigError::toString).collect(Collectors.joining("; "));
        return Finding.fail("config", check.file() + " has " + check.errors().size() + " error(s): " + errors
                + (check.errors().size() > 3 ? "; ..." : ""), "edit " + check.file() + " (aegis config check lists every error)");
    }

    /**
     * The provider's key, from the variable its {@code api_key_env} names: in the running daemon's
     * environment when it can be read (where the daemon took it from), else in this shell's.
     *
     * @param daemon the running daemon's pid and environment, or empty
     */
    static Finding providerKey(ProviderConfig p, Optional<Map.Entry<Long, Map<String, String>>> daemon) {
        String check = "provider key";
        if (p.apiKeyEnv() == null) {
            return Finding.pass(check, p.name() + " needs no key (no api_key_env)");
        }
        if (daemon.isPresent()) {
            String value = daemon.get().getValue().get(p.apiKeyEnv());
            String who = "the daemon (pid " + daemon.get().getKey() + ")";
            if (value != null && !value.isEmpty()) {
                return Finding.pass(check, p.name() + ": " + who + " has $" + p.apiKeyEnv() + " set");
            }
            return Finding.fail(check, p.name() + ": " + who + " was started without $" + p.apiKeyEnv()
                    + ", so its calls routed to " + p.name() + " fail (whatever this shell has)",
                    "export " + p.apiKeyEnv() + "=<your " + p.name() + " key> in the shell that starts it, then aegis stop && aegis start");
        }
        if (p.hasKey()) {
            return Finding.pass(check, p.name() + ": $" + p.apiKeyEnv() + " is set");
        }
        return Finding.fail(check, p.name() + ": $" + p.apiKeyEnv() + " is not set, so calls routed to " + p.name() + " fail",
                "export " + p.apiKeyEnv() + "=<your " + p.name() + " key>, then aegis stop && aegis start (the daemon reads it at start)");
    }
}
