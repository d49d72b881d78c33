package dev.aegis.cli.commands;

import dev.aegis.cli.CliContext;
import dev.aegis.cli.output.TerminalText;
import dev.aegis.cli.CliException;
import dev.aegis.cli.DurationConverter;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.daemon.DaemonClient;
import dev.aegis.cli.daemon.DaemonLocator;
import dev.aegis.cli.daemon.DaemonStatus;
import dev.aegis.cli.daemon.ProcessLiveness;
import dev.aegis.control.DaemonState;
import dev.aegis.control.HealthPayload;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aegis stop}: asks the daemon to stop gracefully (in-flight streams drain, records flushed);
 * if it does not, sends SIGTERM, and only then kills it, saying records may be lost.
 */
@Command(
        name = "stop",
        mixinStandardHelpOptions = true,
        description = "Stop the daemon gracefully: no new calls, in-flight streams finish, records are flushed.")
public final class StopCommand implements Callable<Integer> {

    private static final Duration GRACE = Duration.ofSeconds(5);

    private final CliContext context;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "30s",
            description = "How long in-flight calls may take to finish (default ${DEFAULT-VALUE}).")
    Duration timeout;

    public StopCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        PrintWriter out = context.out();
        DaemonLocator locator = new DaemonLocator(context.home());
        DaemonStatus status = locator.locate();
        if (!status.running()) {
            if (status.lockHeld()) {
                // No daemon.json but a daemon holds the lock: starting, or its state file was deleted while it ran.
                Optional<ProcessHandle> holder = locator.lockHolder();
                if (holder.isEmpty()) {
                    throw new CliException("a daemon holds " + context.home().daemonLock()
                            + " but has published no state yet; it may still be starting; try again in a moment");
                }
                out.println("Aegis's daemon.json is missing; stopping the daemon that holds its lock (pid " + holder.get().pid()
                        + ") with SIGTERM.");
                holder.get().destroy(); // its shutdown hook drains the calls in flight and writes their records
                if (waitForExit(locator, holder, timeout.plus(GRACE))) {
                    out.println("Aegis stopped.");
                    return ExitCode.OK;
                }
                throw new CliException("the daemon (pid " + holder.get().pid() + ") did not stop within " + timeout.plus(GRACE)
                        .toSeconds() + " s of SIGTERM");
            }
            out.println(status.staleStateRemoved()
                    ? "Aegis is not running (removed the state a stopped daemon left behind)."
                    : "Aegis is not running.");
            return ExitCode.OK;
        }
        DaemonState state = status.state().orElseThrow();
        Optional<ProcessHandle> process = ProcessHandle.of(state.pid());
        Optional<HealthPayload> health = new DaemonClient().health(state);
        boolean accepted = new DaemonClient().requestShutdown(state, timeout);
        if (accepted && waitForExit(locator, process, timeout.plus(GRACE))) {
            // Read before the stop: the calls then in flight finished during it, and are served too.
            out.println("Aegis stopped" + health.map(h -> " (served " + TerminalText.counted(h.requestsServed() + h.inFlight(), "request")
                    + (h.inFlight() > 0 ? ", " + h.inFlight() + " of them in flight when asked to stop" : "") + ").").orElse("."));
            return ExitCode.OK;
        }
        if (process.isEmpty()) {
            throw new CliException("the daemon (pid " + state.pid() + ") did not stop and cannot be signalled");
        }
        out.println("The daemon did not stop in time; sending SIGTERM to pid " + state.pid() + ".");
        process.get().destroy();
        if (waitForExit(locator, process, Duration.ofSeconds(10))) {
            out.println("Aegis stopped.");
            return ExitCode.OK;
        }
        process.get().destroyForcibly();
        context.err().println("aegis: killed pid " + state.pid() + " after it ignored SIGTERM; the last moments' usage"
                + " records and receipts may be lost.");
        waitForExit(locator, process, Duration.ofSeconds(5));
        locator.locate();
        return ExitCode.FAILED;
    }

    /** Waits until the lock is free and the process has exited, so a following start never races it. */
    private static boolean waitForExit(DaemonLocator locator, Optional<ProcessHandle> process, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!locator.lockHeld() && process.map(p -> !ProcessLiveness.running(p)).orElse(true)) {
                return true;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
