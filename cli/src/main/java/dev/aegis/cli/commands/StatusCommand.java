package dev.aegis.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.cli.CliContext;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.daemon.DaemonClient;
import dev.aegis.cli.daemon.DaemonLocator;
import dev.aegis.cli.daemon.DaemonStatus;
import dev.aegis.control.DaemonState;
import dev.aegis.control.HealthPayload;
import dev.aegis.json.Json;
import dev.aegis.receipts.ReceiptInstance;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aegis status}: running or not, pid, URL, version, uptime, requests served. Exit 0 running and
 * healthy; 1 not running, not answering, or running with records failing (usage rows and receipts
 * waiting in memory).
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {"Show whether the daemon runs, its URL, pid, version, uptime, requests served and receipt instance id.",
            "Exit code: 0 when running and healthy, 1 otherwise (usable in scripts)."})
public final class StatusCommand implements Callable<Integer> {

    private final CliContext context;

    @Option(names = "--json", description = "Print machine-readable JSON.")
    boolean json;

    public StatusCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        DaemonStatus status = new DaemonLocator(context.home()).locate();
        Optional<DaemonState> state = status.running() ? status.state() : Optional.empty();
        Optional<HealthPayload> health = state.flatMap(s -> new DaemonClient().health(s));
        PrintWriter out = context.out();
        if (json) {
            out.println(asJson(state, health, status.lockHeld()));
        } else if (state.isEmpty()) {
            out.println(status.lockHeld() ? "Aegis is starting or stopping." : "Aegis is not running.");
        } else if (health.isEmpty()) {
            out.println("Aegis (pid " + state.get().pid() + ") holds " + context.home().root()
                    + " but does not answer at " + state.get().url() + "; see " + context.home().daemonLog());
        } else {
            DaemonState s = state.get();
            HealthPayload h = health.get();
            out.println("Aegis is running at " + s.url());
            out.println("  pid:       " + s.pid());
            out.println("  version:   " + h.version());
            out.println("  uptime:    " + human(Duration.ofSeconds(h.uptimeSeconds())));
            out.println("  requests:  " + h.requestsServed() + " served, " + h.inFlight() + " in flight");
            out.println("  home:      " + context.home().root());
            receiptInstance().ifPresent(id -> out.println("  receipts:  instance " + id));
            if (h.recordsFailing()) {
                out.println("  records:   FAILING - " + h.recordsBacklog() + " usage rows/receipts wait in memory"
                        + " (locked database or full disk); see " + context.home().daemonLog());
            }
        }
        boolean healthy = health.isPresent() && !health.get().recordsFailing();
        return healthy ? ExitCode.OK : ExitCode.FAILED;
    }

    private String asJson(Optional<DaemonState> state, Optional<HealthPayload> health, boolean lockHeld) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("running", health.isPresent());
        n.put("status", health.map(HealthPayload::status).orElse(lockHeld ? "unresponsive" : "stopped"));
        n.put("home", context.home().root().toString());
        receiptInstance().ifPresent(id -> n.put("receipts_instance", id));
        state.ifPresent(s -> n.put("pid", s.pid()).put("url", s.url()).put("version", s.version())
                .put("started_at", s.startedAt().toString()));
        health.ifPresent(h -> n.put("uptime_seconds", h.uptimeSeconds()).put("requests_served", h.requestsServed())
                .put("in_flight", h.inFlight()).put("records_failing", h.recordsFailing())
                .put("records_backlog", h.recordsBacklog()));
        return n.toString();
    }

    /** The id every receipt of this home's daemon carries (docs/RECEIPTS.md), once it has one. */
    private Optional<String> receiptInstance() {
        try {
            return ReceiptInstance.read(context.home().keysDir().resolve(ReceiptInstance.FILE));
        } catch (java.io.IOException e) {
            return Optional.of("unreadable (" + e.getMessage() + ")");
        }
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        return (s / 3600) + "h " + (s % 3600 / 60) + "m";
    }
}
