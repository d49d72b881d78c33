package dev.aegis.cli.commands;

import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.cli.DurationConverter;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.daemon.DaemonLauncher;
import dev.aegis.cli.daemon.DaemonLocator;
import dev.aegis.cli.daemon.DaemonStatus;
import dev.aegis.cli.daemon.LaunchSpec;
import dev.aegis.config.Setting;
import dev.aegis.config.Units;
import dev.aegis.control.DaemonState;
import dev.aegis.control.StartMessage;
import dev.aegis.home.AegisHome;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aegis start}: starts the daemon in the background (or the foreground) and waits until it answers. */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        description = {
            "Start the Aegis daemon in the background and wait until it answers /healthz.",
            "With only OPENAI_API_KEY set, every model goes to OpenAI (AEGIS_OPENAI_BASE_URL points it elsewhere)."
        })
public final class StartCommand implements Callable<Integer> {

    private final CliContext context;

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (default 8787, or AEGIS_PORT / PORT).")
    Integer port;

    @Option(names = "--host", paramLabel = "H", description = "Address to bind (default 127.0.0.1, loopback only).")
    String host;

    @Option(names = "--config", paramLabel = "FILE", description = "Config file (default $AEGIS_HOME/aegis.yaml, optional).")
    String config;

    @Option(names = "--foreground", description = "Run in this terminal and log to it; Ctrl-C stops it.")
    boolean foreground;

    @Option(names = "--wait", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for the daemon to answer (default 15s, or AEGIS_START_TIMEOUT).")
    Duration wait;

    public StartCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        AegisHome home = context.home();
        try {
            home.ensureCreated();
        } catch (IOException e) {
            throw new CliException("cannot create the home folder " + home.root() + " (" + e.getMessage()
                    + "); pass --home DIR or set AEGIS_HOME to a writable folder");
        }
        if (port != null && (port < 0 || port > 65535)) {
            throw CliException.usage("--port must be from 0 to 65535");
        }
        if (host != null && dev.aegis.config.ServerConfig.hostProblem(host) != null) {
            throw CliException.usage("--host " + dev.aegis.config.ServerConfig.hostProblem(host));
        }
        PrintWriter out = context.out();
        DaemonStatus status = new DaemonLocator(home).locate();
        // Launched early by the launcher script (docs/STARTUP.md), the daemon may already be starting,
        // or be up, on this very command's flags: then it is this start's daemon, not another one.
        Optional<String> early = DaemonLauncher.earlyInstance(context.env());
        if (status.running() && !status.state().orElseThrow().instance().equals(early.orElse(null))) {
            DaemonState s = status.state().orElseThrow();
            out.println("Aegis is already running at " + s.url() + " (pid " + s.pid() + ")");
            return ExitCode.OK;
        }
        if (status.lockHeld() && early.isEmpty()) {
            throw new CliException("a daemon for " + home.root() + " is starting or stopping; try again in a moment");
        }
        if (status.staleStateRemoved()) {
            out.println("Removed the state of an Aegis daemon that is no longer running.");
        }
        DaemonLauncher launcher = new DaemonLauncher(home, context.env());
        LaunchSpec spec = new LaunchSpec(host, port, config);
        if (foreground) {
            out.flush();
            String execFile = context.env().get(DaemonLauncher.FOREGROUND_EXEC_ENV);
            if (execFile != null && !execFile.isBlank()) {
                // The launcher script execs the daemon in this process's place: one JVM in foreground mode.
                launcher.writeForegroundCommand(spec, Path.of(execFile));
                return ExitCode.OK;
            }
            return launcher.runForeground(spec) == 0 ? ExitCode.OK : ExitCode.FAILED;
        }
        DaemonState s = launcher.startDetached(spec, waitTime());
        out.print(StartMessage.running(s, home));
        return ExitCode.OK;
    }

    private Duration waitTime() {
        if (wait != null) {
            return wait;
        }
        try {
            return Units.duration(Setting.AEGIS_START_TIMEOUT.orDefault(context.env()));
        } catch (IllegalArgumentException e) {
            throw new CliException("AEGIS_START_TIMEOUT: " + e.getMessage());
        }
    }
}
