package dev.aegis.bench.load;

import dev.aegis.cli.bench.BenchGateway;
import dev.aegis.cli.bench.BenchRequest;
import dev.aegis.cli.bench.Comparison;
import dev.aegis.cli.bench.FixedUpstream;
import dev.aegis.cli.bench.LoadGenerator;
import dev.aegis.cli.bench.LoadPlan;
import dev.aegis.cli.bench.LoadResult;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-to-end load scenarios of issue 10, each measured beside its direct-to-provider baseline
 * on the same machine in the same run, printed as a Markdown section for docs/BENCHMARKS.md
 * (progress goes to stderr). Uses the same upstream, load generator and governed daemon as
 * {@code aegis bench}. Run: {@code java -cp bench/target/aegis-benchmarks.jar
 * dev.aegis.bench.load.LoadScenarios [--quick] [--only governed|receipts|streams]} ({@code --quick}:
 * short runs, to check it works; {@code --only}: one group of scenarios).
 */
public final class LoadScenarios {

    /** How long and how much each scenario runs. */
    record Sizes(Duration firstWarmup, Duration warmup, int latencyCalls, int bodyCalls, int throughputCalls,
            int openStreams, Duration streamEventDelay) {
        static final Sizes FULL = new Sizes(Duration.ofSeconds(60), Duration.ofSeconds(15), 20_000, 5_000, 100_000,
                2_000, Duration.ofSeconds(1));
        static final Sizes QUICK = new Sizes(Duration.ofSeconds(3), Duration.ofSeconds(1), 1_000, 200, 2_000, 200,
                Duration.ofMillis(100));
    }

    private final Sizes sizes;
    private final Map<String, String> env = System.getenv();
    private final List<String[]> targets = new ArrayList<>();
    private final List<String[]> details = new ArrayList<>();

    LoadScenarios(Sizes sizes) {
        this.sizes = sizes;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        String started = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        String loadBefore = MachineInfo.loadAverage();
        LoadScenarios s = new LoadScenarios(quick ? Sizes.QUICK : Sizes.FULL);
        int only = List.of(args).indexOf("--only");
        s.run(only >= 0 && only + 1 < args.length ? args[only + 1] : "all");
        System.out.print(s.markdown(started, loadBefore, MachineInfo.loadAverage(), quick));
        System.out.flush();
        System.exit(0);
    }

    /** @param only {@code all}, or one group: {@code governed}, {@code receipts} or {@code streams} */
    void run(String only) throws IOException, InterruptedException {
        if (!List.of("all", "governed", "receipts", "streams").contains(only)) {
            throw new IllegalArgumentException("--only takes governed, receipts or streams, not " + only);
        }
        try (FixedUpstream fast = FixedUpstream.start()) {
            if (only.equals("all") || only.equals("governed")) {
                governedScenarios(fast);
            }
            if (only.equals("all") || only.equals("receipts")) {
                receiptsCost(fast);
            }
        }
        if (only.equals("all") || only.equals("streams")) {
            openStreams();
        }
    }

    /** Latency at one connection, streams, large bodies and throughput, all through one governed daemon. */
    private void governedScenarios(FixedUpstream fast) throws InterruptedException {
        progress("starting a governed daemon (key, rate limits, budgets, usage rows, signed receipts)");
        try (BenchGateway gw = BenchGateway.start(fast.baseUrl(), true, env)) {
            pause(Duration.ofSeconds(2));
            long idleRss = gw.rssBytes().orElse(-1);

            progress("1 connection, whole answers (warm-up " + sizes.firstWarmup().toSeconds() + " s)");
            Comparison whole = compare(fast, gw, false, BenchRequest.DEFAULT_BODY_BYTES, 1, sizes.latencyCalls(),
                    sizes.firstWarmup());
            target("Added latency, 1 connection, whole answers (p50 / p99)", pair(whole.baseline()),
                    pair(whole.candidate()), addedPair(whole.addedP50Ms(), whole.addedP99Ms()), "≤ 0.15 / ≤ 1 ms",
                    met(whole.addedP50Ms() <= 0.15 && whole.addedP99Ms() <= 1.0));
            detail("1 connection, whole answers, 200 B body", whole);

            progress("1 connection, streams");
            Comparison stream = compare(fast, gw, true, BenchRequest.DEFAULT_BODY_BYTES, 1, sizes.latencyCalls(),
                    sizes.warmup());
            target("First byte added on streams, 1 connection (p50 / p99)", firstBytePair(stream.baseline()),
                    firstBytePair(stream.candidate()), addedPair(stream.addedFirstByteP50Ms(), stream.addedFirstByteP99Ms()),
                    "≤ 0.5 ms", met(stream.addedFirstByteP50Ms() <= 0.5));
            detail("1 connection, streams (whole stream)", stream);

            for (int size : new int[] {40_000, 115_000}) {
                progress("1 connection, " + size / 1000 + " KB bodies");
                Comparison body = compare(fast, gw, false, size, 1, sizes.bodyCalls(), sizes.warmup());
                target("Added latency, " + size / 1000 + " KB body (" + (size == 40_000 ? "Codex" : "Claude Code")
                                + "-sized), 1 connection (p50 / p99)", pair(body.baseline()), pair(body.candidate()),
                        addedPair(body.addedP50Ms(), body.addedP99Ms()), "p50 ≤ 1 ms", met(body.addedP50Ms() <= 1.0));
                detail("1 connection, whole answers, " + size / 1000 + " KB body", body);
            }

            progress("64 connections, whole answers");
            Comparison many = compare(fast, gw, false, BenchRequest.DEFAULT_BODY_BYTES, 64, sizes.throughputCalls(),
                    sizes.warmup());
            target("Calls/s at 64 connections, governance + usage + receipts on", rps(many.baseline()),
                    rps(many.candidate()), "", "≥ 10,000/s", met(many.candidate().requestsPerSecond() >= 10_000));
            detail("64 connections, whole answers, 200 B body", many);

            long peak = gw.peakRssBytes().orElse(-1);
            pause(Duration.ofSeconds(5));
            long idleAfter = gw.rssBytes().orElse(-1);
            // This daemon runs from the benchmark jar without the installed AOT cache, so it is not the
            // idle target's reading: scripts/bench.sh measures that on an installed daemon.
            target("Daemon RSS: after start / 5 s after the load above (benchmark jar, no AOT cache)", "",
                    mb(idleRss) + " / " + mb(idleAfter), "", "— (idle ≤ 100 MB: installed daemon, below)", "");
            target("Daemon RSS peak during the scenarios above", "", mb(peak), "", "—", "");
        }
    }

    /** The same throughput with and without signed receipts, two daemons measured in alternating rounds. */
    private void receiptsCost(FixedUpstream fast) throws InterruptedException {
        progress("receipts on and off, 64 connections (two daemons, alternating rounds)");
        try (BenchGateway on = BenchGateway.start(fast.baseUrl(), true, env);
                BenchGateway off = BenchGateway.start(fast.baseUrl(), false, env)) {
            LoadPlan offPlan = plan(off.port(), off.key(), false, BenchRequest.DEFAULT_BODY_BYTES, 64,
                    sizes.throughputCalls());
            LoadPlan onPlan = plan(on.port(), on.key(), false, BenchRequest.DEFAULT_BODY_BYTES, 64,
                    sizes.throughputCalls());
            Comparison c = Comparison.measure(offPlan, onPlan, sizes.firstWarmup(), sizes.firstWarmup(), on::cpuNanos);
            target("Calls/s at 64 connections: receipts off → on (issue 6: ≤ 10 % drop)", "",
                    rps(c.baseline()) + " → " + rps(c.candidate()),
                    String.format(Locale.ROOT, "%+.1f %%", (c.throughputRatio() - 1) * 100), "≥ −10 %",
                    met(c.throughputRatio() >= 0.90));
            details.add(new String[] {"64 connections, receipts off (Aegis)", "", row(c.baseline()), ""});
            details.add(new String[] {"64 connections, receipts on (Aegis)", "", row(c.candidate()),
                    cpu(c.candidateCpuMicrosPerCall())});
        }
    }

    /** Thousands of streams held open at once by a slow provider, through one daemon. */
    private void openStreams() throws IOException, InterruptedException {
        int n = sizes.openStreams();
        progress(n + " concurrent streams against a slow provider (one event every "
                + sizes.streamEventDelay().toMillis() + " ms)");
        try (FixedUpstream slow = FixedUpstream.slow(sizes.streamEventDelay());
                BenchGateway gw = BenchGateway.start(slow.baseUrl(), true, env)) {
            LoadResult r = LoadGenerator.run(plan(gw.port(), gw.key(), true, BenchRequest.DEFAULT_BODY_BYTES, n, n))
                    .result();
            long peak = gw.peakRssBytes().orElse(-1);
            target(n + " concurrent streams, slow provider: errors / most open at once / daemon RSS peak", "",
                    r.errors() + " / " + slow.mostOpenStreams() + " / " + mb(peak), "", "0 errors, RSS ≤ 300 MB",
                    met(r.errors() == 0 && slow.mostOpenStreams() == n && peak >= 0 && peak <= 300L << 20));
            details.add(new String[] {n + " concurrent streams (Aegis), " + FixedUpstream.streamEvents() + " events "
                    + sizes.streamEventDelay().toMillis() + " ms apart", "", row(r), ""});
            if (r.firstError() != null) {
                progress("first error: " + r.firstError());
            }
        }
    }

    private Comparison compare(FixedUpstream fast, BenchGateway gw, boolean stream, int body, int connections,
            int calls, Duration warmup) throws InterruptedException {
        return Comparison.directVsAegis(plan(fast.port(), null, stream, body, connections, calls),
                plan(gw.port(), gw.key(), stream, body, connections, calls), warmup, gw::cpuNanos);
    }

    private static LoadPlan plan(int port, String key, boolean stream, int body, int connections, int calls) {
        return new LoadPlan(port, BenchRequest.chat(port, key, stream, body), calls, connections);
    }

    private void target(String what, String direct, String aegis, String added, String target, String met) {
        targets.add(new String[] {what, direct, aegis, added, target, met});
    }

    private void detail(String what, Comparison c) {
        details.add(new String[] {what + " — direct", "", row(c.baseline()), ""});
        details.add(new String[] {what + " — through Aegis", "", row(c.candidate()), cpu(c.candidateCpuMicrosPerCall())});
    }

    String markdown(String started, String loadBefore, String loadAfter, boolean quick) {
        StringBuilder md = new StringBuilder();
        md.append("### Load scenarios, ").append(started).append(quick ? " (--quick: too short to quote)" : "").append("\n\n");
        md.append("Machine: ").append(MachineInfo.describe()).append("; load average (1/5/15 min) before: ")
                .append(loadBefore).append(", after: ").append(loadAfter)
                .append(". A load average above ~0.5 before the run means other work shared the cores.\n\n");
        md.append("Upstream: the built-in loopback provider (fixed 639-byte chat completion; 9-event chat stream).")
                .append(" Aegis: its own daemon, a minted key, governance on (rate limits and token budgets checked,")
                .append(" never binding), usage rows and signed receipts written. Each row's direct and Aegis figures")
                .append(" come from alternating rounds after a warm-up.\n\n");
        md.append("| target | direct | through Aegis | added | target | met |\n|---|---|---|---|---|---|\n");
        for (String[] t : targets) {
            md.append("| ").append(String.join(" | ", t)).append(" |\n");
        }
        md.append("\n| run | | calls, errors, calls/s, p50 / p99 ms, first byte p50 / p99 ms | daemon CPU per call |\n")
                .append("|---|---|---|---|\n");
        for (String[] d : details) {
            md.append("| ").append(String.join(" | ", d)).append(" |\n");
        }
        return md.append('\n').toString();
    }

    private static String row(LoadResult r) {
        return String.format(Locale.ROOT, "%,d, %d, %,.0f/s, %.3f / %.3f, %.3f / %.3f", r.ok(), r.errors(),
                r.requestsPerSecond(), r.latency().p50Ms(), r.latency().p99Ms(), r.firstByte().p50Ms(),
                r.firstByte().p99Ms());
    }

    private static String pair(LoadResult r) {
        return String.format(Locale.ROOT, "%.3f / %.3f ms", r.latency().p50Ms(), r.latency().p99Ms());
    }

    private static String firstBytePair(LoadResult r) {
        return String.format(Locale.ROOT, "%.3f / %.3f ms", r.firstByte().p50Ms(), r.firstByte().p99Ms());
    }

    private static String addedPair(double p50, double p99) {
        return String.format(Locale.ROOT, "%+.3f / %+.3f ms", p50, p99);
    }

    private static String rps(LoadResult r) {
        return String.format(Locale.ROOT, "%,.0f/s", r.requestsPerSecond());
    }

    private static String cpu(double micros) {
        return Double.isNaN(micros) ? "—" : String.format(Locale.ROOT, "%.0f µs", micros);
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "unknown" : String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
    }

    private static String met(boolean ok) {
        return ok ? "yes" : "**no**";
    }

    private static void progress(String what) {
        System.err.println("[load] " + what + " ...");
        System.err.flush();
    }

    private static void pause(Duration d) throws InterruptedException {
        Thread.sleep(d);
    }
}
