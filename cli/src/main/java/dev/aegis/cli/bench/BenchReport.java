package dev.aegis.cli.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.aegis.cli.output.Table;
import dev.aegis.json.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * What {@code aegis bench} prints: the two paths side by side and what Aegis added, as a table or
 * as JSON.
 *
 * @param settings what was measured
 * @param comparison direct and through-Aegis results
 * @param daemonIdleRssBytes the daemon's resident memory before the load; -1 when unknown
 * @param daemonPeakRssBytes its highest resident memory by the end; -1 when unknown
 */
public record BenchReport(Settings settings, Comparison comparison, long daemonIdleRssBytes, long daemonPeakRssBytes) {

    /** The knobs of one run. */
    public record Settings(int requests, int concurrency, boolean stream, int bodyBytes, Duration warmup) {}

    public void printTable(PrintWriter out) {
        out.printf(Locale.ROOT, "aegis bench: %d calls per path over %d connection%s, %s chat completions, %d-byte body,"
                        + " after a %.0f s warm-up%n", settings.requests(), settings.concurrency(),
                settings.concurrency() == 1 ? "" : "s", settings.stream() ? "streamed" : "whole", settings.bodyBytes(),
                settings.warmup().toMillis() / 1000.0);
        out.println("Aegis: its own daemon with a minted key, rate limits and token budgets checked on every call,"
                + " usage rows and signed receipts written.");
        out.println();
        boolean stream = settings.stream();
        Table t = stream
                ? new Table("path", "calls", "errors", "calls/s", "p50 ms", "p99 ms", "first byte p50 ms", "first byte p99 ms")
                : new Table("path", "calls", "errors", "calls/s", "p50 ms", "p99 ms");
        row(t, "direct", comparison.baseline(), stream);
        row(t, "through aegis", comparison.candidate(), stream);
        if (stream) {
            t.row("added by aegis", "", "", "", signed(comparison.addedP50Ms()), signed(comparison.addedP99Ms()),
                    signed(comparison.addedFirstByteP50Ms()), signed(comparison.addedFirstByteP99Ms()));
        } else {
            t.row("added by aegis", "", "", "", signed(comparison.addedP50Ms()), signed(comparison.addedP99Ms()));
        }
        t.print(out);
        out.println();
        out.println("daemon memory (RSS): " + mb(daemonIdleRssBytes) + " idle before the load, "
                + mb(daemonPeakRssBytes) + " at its peak; daemon CPU per call: "
                + String.format(Locale.ROOT, "%.0f µs", comparison.candidateCpuMicrosPerCall()));
        String error = comparison.candidate().firstError() != null ? comparison.candidate().firstError()
                : comparison.baseline().firstError();
        if (error != null) {
            out.println("errors: " + comparison.errors() + "; the first: " + error);
        }
        out.flush();
    }

    private static void row(Table t, String name, LoadResult r, boolean stream) {
        String rps = String.format(Locale.ROOT, "%.0f", r.requestsPerSecond());
        if (stream) {
            t.row(name, r.ok(), r.errors(), rps, ms(r.latency().p50Ms()), ms(r.latency().p99Ms()),
                    ms(r.firstByte().p50Ms()), ms(r.firstByte().p99Ms()));
        } else {
            t.row(name, r.ok(), r.errors(), rps, ms(r.latency().p50Ms()), ms(r.latency().p99Ms()));
        }
    }

    public void printJson(PrintWriter out) {
        try {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(new JsonView(settings,
                    comparison.baseline(), comparison.candidate(), new Added(comparison.addedP50Ms(), comparison.addedP99Ms(),
                            settings.stream() ? comparison.addedFirstByteP50Ms() : null,
                            settings.stream() ? comparison.addedFirstByteP99Ms() : null),
                    new Daemon(daemonIdleRssBytes, daemonPeakRssBytes, comparison.candidateCpuMicrosPerCall()))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    record JsonView(Settings settings, LoadResult direct, LoadResult aegis, Added added, Daemon daemon) {}

    record Added(double p50Ms, double p99Ms, Double firstByteP50Ms, Double firstByteP99Ms) {}

    record Daemon(long rssIdleBytes, long rssPeakBytes, double cpuMicrosPerCall) {}

    static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String signed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%+.3f", v);
    }

    static String mb(long bytes) {
        return bytes < 0 ? "unknown" : String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
    }
}
