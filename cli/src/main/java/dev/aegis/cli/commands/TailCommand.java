package dev.aegis.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.cli.CliContext;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.daemon.DaemonClient;
import dev.aegis.cli.daemon.DaemonLocator;
import dev.aegis.cli.daemon.DaemonStatus;
import dev.aegis.cli.output.CallLine;
import dev.aegis.cli.output.TerminalWidth;
import dev.aegis.cli.output.TerminalText;
import dev.aegis.control.DaemonState;
import dev.aegis.json.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aegis tail}: one line per call as the daemon serves it; reconnects when the daemon restarts. */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = {"Watch calls live: time, key, model, provider, status, latency, tokens, cost, refusal reason.",
            "Reconnects when the daemon restarts; Ctrl-C to stop."})
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
        PrintWriter out = context.out();
        PrintWriter err = context.err();
        AtomicInteger shown = new AtomicInteger();
        DaemonClient client = new DaemonClient();
        boolean waitingSaid = false;
        CallLine lines = new CallLine(width(), color());
        while (count == null || shown.get() < count) {
            DaemonStatus found = new DaemonLocator(context.home()).locate();
            Optional<DaemonState> state = found.running() ? found.state() : Optional.empty();
            if (state.isEmpty()) {
                if (!waitingSaid) {
                    err.println("aegis tail: the daemon is not running; waiting for it (Ctrl-C to stop)");
                    err.flush();
                    waitingSaid = true;
                }
                pause();
                continue;
            }
            waitingSaid = false;
            client.events(state.get(), event -> {
                if (count != null && shown.get() >= count) {
                    return false;
                }
                JsonNode e = parse(event);
                if (e != null && matches(e)) {
                    out.println(json ? TerminalText.json(e) : lines.format(e));
                    out.flush();
                    shown.incrementAndGet();
                }
                return count == null || shown.get() < count;
            });
            if (count == null || shown.get() < count) {
                err.println("aegis tail: disconnected; reconnecting");
                err.flush();
                pause();
            }
        }
        return ExitCode.OK;
    }

    private boolean matches(JsonNode e) {
        if (key != null && !key.equals(e.path("key_id").asText())) {
            return false;
        }
        if (model != null && !model.equals(e.path("model").asText())) {
            return false;
        }
        if (status != null) {
            String s = e.path("status").asText();
            return status.length() == 3 && status.endsWith("xx") ? s.charAt(0) == status.charAt(0) : s.equals(status);
        }
        return true;
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
        return TerminalWidth.columns(context.env(), 120);
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
