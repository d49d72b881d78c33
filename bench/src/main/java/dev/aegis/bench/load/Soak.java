package dev.aegis.bench.load;

import dev.aegis.cli.bench.BenchGateway;
import dev.aegis.cli.bench.BenchRequest;
import dev.aegis.cli.bench.FixedUpstream;
import dev.aegis.cli.bench.LoadGenerator;
import dev.aegis.cli.bench.LoadPlan;
import dev.aegis.cli.bench.LoadResult;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The soak run of issue 11: a governed daemon (key, rate limits, token budgets, usage rows, signed
 * receipts) in front of the loopback provider, sent a steady rate of calls for a long stretch, half
 * of them streamed, in one-second rounds. It reports calls, errors, the daemon's RSS at the start,
 * over time and at the end, and the p99 of every round, as a Markdown section for docs/BENCHMARKS.md.
 *
 * <p>Usage: {@code Soak [MINUTES] [CALLS_PER_SECOND]} (default 10 minutes at 500 calls/s).
 */
public final class Soak {

    private static final int CONNECTIONS = 16;

    private Soak() {}

    public static void main(String[] args) throws Exception {
        Duration length = Duration.ofMinutes(args.length > 0 ? Long.parseLong(args[0]) : 10);
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        String started = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        String loadBefore = MachineInfo.loadAverage();
        long calls = 0;
        long errors = 0;
        String firstError = null;
        long slowRounds = 0;
        double worstP99 = 0;
        List<Double> p99s = new ArrayList<>();
        List<String> rss = new ArrayList<>();
        long rssStart;
        long rssEnd;
        try (FixedUpstream upstream = FixedUpstream.start();
                BenchGateway gw = BenchGateway.start(upstream.baseUrl(), true, System.getenv())) {
            LoadPlan whole = new LoadPlan(gw.port(), BenchRequest.chat(gw.port(), gw.key(), false,
                    BenchRequest.DEFAULT_BODY_BYTES), rate, CONNECTIONS);
            LoadPlan streamed = new LoadPlan(gw.port(), BenchRequest.chat(gw.port(), gw.key(), true,
                    BenchRequest.DEFAULT_BODY_BYTES), rate, CONNECTIONS);
            rssStart = gw.rssBytes().orElse(-1);
            long start = System.nanoTime();
            long end = start + length.toNanos();
            long round = 0;
            while (System.nanoTime() < end) {
                long roundStart = start + round * 1_000_000_000L;
                LoadResult r = LoadGenerator.run(round % 2 == 0 ? whole : streamed).result();
                calls += r.ok() + r.errors();
                errors += r.errors();
                if (firstError == null && r.firstError() != null) {
                    firstError = r.firstError();
                }
                p99s.add(r.latency().p99Ms());
                worstP99 = Math.max(worstP99, r.latency().p99Ms());
                if (round % 60 == 0) {
                    rss.add((round / 60) + " min: " + mb(gw.rssBytes().orElse(-1)));
                    System.err.printf("soak: %d s, %d calls, %d errors, RSS %s%n", round, calls, errors,
                            mb(gw.rssBytes().orElse(-1)));
                }
                round++;
                long wait = roundStart + 1_000_000_000L - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } else {
                    slowRounds++;
                }
            }
            rssEnd = gw.rssBytes().orElse(-1);
            double seconds = (System.nanoTime() - start) / 1e9;
            p99s.sort(Double::compare);
            double medianP99 = p99s.get(p99s.size() / 2);
            System.out.printf("""

                    ### Soak, %s (`scripts/soak.sh %d %d`)

                    Machine: %s; load average before %s, after %s. A governed daemon (key, rate limits and token
                    budgets checked, usage rows and signed receipts written) in front of the loopback provider;
                    %d calls/s in one-second rounds over %d connections, every other round streamed.

                    | figure | value |
                    |---|---|
                    | duration | %.0f s |
                    | calls | %,d (%.0f/s) |
                    | errors | %,d%s |
                    | rounds that took longer than their second | %d |
                    | daemon RSS at start / end | %s / %s |
                    | daemon RSS each minute | %s |
                    | p99 per round: median / worst | %.2f ms / %.2f ms |
                    """, started, length.toMinutes(), rate, MachineInfo.describe(), loadBefore, MachineInfo.loadAverage(),
                    rate, CONNECTIONS, seconds, calls, calls / seconds, errors,
                    firstError == null ? "" : " (first: " + firstError.replace('|', '/') + ")", slowRounds,
                    mb(rssStart), mb(rssEnd), String.join(", ", rss), medianP99, worstP99);
        }
        System.exit(0);
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "n/a" : (bytes >> 20) + " MB";
    }
}
