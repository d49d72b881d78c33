package dev.aegis.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.daemon.DaemonClient;
import dev.aegis.cli.daemon.DaemonLocator;
import dev.aegis.cli.daemon.DaemonStatus;
import dev.aegis.cli.output.CallLine;
import dev.aegis.cli.tail.LiveView;
import dev.aegis.cli.tail.TailFilter;
import dev.aegis.cli.output.SystemTerminal;
import dev.aegis.cli.output.TerminalText;
import dev.aegis.control.DaemonState;
import dev.aegis.json.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jline.terminal.Terminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aegis tail}: one line per call as the daemon serves it; reconnects when the daemon restarts. */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = {"Watch calls live: time, key, model, provider, status, latency, tokens, cost, refusal reason.",
            "On a terminal: a full-screen view with the last minute's calls, spend, errors and p50 latency;",
            "type k, m or s to filter by key, model or status, c to clear, q to quit.",
            "Piped, or with --json or --count: one line per call. Reconnects when the daemon restarts."})
public final class TailCommand implements Callable<Integer> {

    private static final Duration RECONNECT = Duration.ofMillis(500);

    private final CliContext context;

    @Option(names = "--key", paramLabel = "ID", description = "Only this key's calls.")
    String key;

    @Option(names = "--model", paramLabel = "M", description = "Only this model.")
    String model;

    @Option(names = "--status", paramLabel = "CLASS", description = "Only this status class: 2xx, 4xx, 5xx (or an exact status).")
    String status;

    @Option(names = "--json", description = "One JSON object per line.")
    boolean json;

    @Option(names = "--count", paramLabel = "N", description = "Exit after N matching calls (for scripts).")
    Integer count;

    public TailCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (status != null && !TailFilter.isStatus(status)) {
            throw CliException.usage("--status must be a class (2xx, 4xx, 5xx) or a status (e.g. 429), not '" + status + "'");
        }
        if (count != null && count < 1) {
            throw CliException.usage("--count must be at least 1, not " + count);
        }
        TailFilter filter = new TailFilter(key, model, status);
        Optional<Terminal> terminal = json || count != null ? Optional.empty() : SystemTerminal.interactive();
        if (terminal.isPresent()) {
            LiveView view = new LiveView(terminal.get(), filter, color());
            Thread.ofVirtual().name("aegis-tail-events").start(() -> follow(e -> {
                view.show(e);
                return true;
            }, view::status, view::connected));
            view.run();
            return ExitCode.OK;
        }
        PrintWriter out = context.out();
        PrintWriter err = context.err();
        AtomicInteger shown = new AtomicInteger();
        // Piped (a script, a file): whole lines, the reason included; cut to the width on a terminal only.
        CallLine lines = new CallLine(System.console() != null ? width() : Integer.MAX_VALUE, color());
        follow(e -> {
            if (filter.matches(e)) {
                out.println(json ? TerminalText.json(e) : lines.format(e));
                out.flush();
                shown.incrementAndGet();
            }
            return count == null || shown.get() < count;
        }, message -> {
            err.println("aegis tail: " + message);
            err.flush();
        }, () -> { });
        return ExitCode.OK;
    }

    /**
     * Follows the daemon's events, waiting for it when it is not running and reconnecting when it
     * restarts, until {@code handler} returns false; {@code status} hears when the connection is
     * lost or awaited, {@code connected} each time the daemon answers (first or again).
     */
    private void follow(Predicate<JsonNode> handler, Consumer<String> status, Runnable connected) {
        DaemonClient client = new DaemonClient();
        AtomicBoolean more = new AtomicBoolean(true);
        boolean waitingSaid = false;
        while (more.get()) {
            DaemonStatus found = new DaemonLocator(context.home()).locate();
            Optional<DaemonState> state = found.running() ? found.state() : Optional.empty();
            if (state.isEmpty()) {
                if (!waitingSaid) {
                    status.accept("the daemon is not running; waiting for it (Ctrl-C to stop)");
                    waitingSaid = true;
                }
                pause();
                continue;
            }
            waitingSaid = false;
            client.events(state.get(), connected, event -> {
                JsonNode e = parse(event);
                more.set(e == null || handler.test(e));
                return more.get();
            });
            if (more.get()) {
                status.accept("disconnected; reconnecting");
                pause();
            }
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectReader EXACT = Json.mapper().reader()
            .with(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static JsonNode parse(String event) {
        try {
            // Decimals as BigDecimal: the cost is printed again exactly as the daemon wrote it.
            return EXACT.readTree(event);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The terminal's width from jline; COLUMNS, then 120, for a dumb terminal or a pipe. */
    private int width() {
        return SystemTerminal.columns(context.env(), 120);
    }

    /** Colour only on a real terminal that is not dumb, and never when NO_COLOR is set. */
    private boolean color() {
        String term = context.env().getOrDefault("TERM", "dumb");
        return System.console() != null && !term.equals("dumb") && !context.env().containsKey("NO_COLOR") && !json;
    }

    private static void pause() {
        try {
            Thread.sleep(RECONNECT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
