package dev.aegis.cli.bench;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The same load sent to a baseline and to a candidate (straight to the upstream and through Aegis;
 * or two Aegis setups), after a warm-up of both, in alternating rounds so that whatever else the
 * machine does meanwhile weighs on both alike.
 *
 * @param candidateCpuNanos CPU time the candidate's process used during its measured rounds
 */
public record Comparison(LoadResult baseline, LoadResult candidate, long candidateCpuNanos) {

    /** Rounds per path; the requests are split evenly between them. */
    static final int ROUNDS = 4;

    /** Straight to the upstream against through Aegis; the upstream needs only a quarter of the warm-up. */
    public static Comparison directVsAegis(LoadPlan direct, LoadPlan aegis, Duration warmup, LongSupplier aegisCpu)
            throws InterruptedException {
        return measure(direct, aegis, warmup.dividedBy(4), warmup, aegisCpu);
    }

    /**
     * @param baseline the plan to compare against (e.g. straight to the upstream)
     * @param candidate the same calls sent elsewhere (e.g. through Aegis)
     * @param baselineWarmup how long unmeasured calls go to the baseline first
     * @param candidateWarmup the same for the candidate (the JIT compiles the hot paths meanwhile: on two
     *     shared cores a fresh daemon's compiler is busy for tens of seconds)
     * @param candidateCpu the CPU time the candidate's process has used so far, in nanoseconds (read around
     *     its rounds)
     */
    public static Comparison measure(LoadPlan baseline, LoadPlan candidate, Duration baselineWarmup,
            Duration candidateWarmup, LongSupplier candidateCpu) throws InterruptedException {
        warm(baseline, baselineWarmup);
        warm(candidate, candidateWarmup);
        Samples d = new Samples();
        Samples a = new Samples();
        long cpu = 0;
        int rounds = Math.min(ROUNDS, baseline.requests());
        for (int r = 0; r < rounds; r++) {
            int n = baseline.requests() / rounds + (r < baseline.requests() % rounds ? 1 : 0);
            d.merge(LoadGenerator.run(baseline.withRequests(n)));
            long before = candidateCpu.getAsLong();
            a.merge(LoadGenerator.run(candidate.withRequests(n)));
            cpu += candidateCpu.getAsLong() - before;
        }
        return new Comparison(d.result(), a.result(), cpu);
    }

    /** Sends calls in small runs until the time is up. */
    static void warm(LoadPlan plan, Duration time) throws InterruptedException {
        long end = System.nanoTime() + time.toNanos();
        LoadPlan chunk = plan.withRequests(Math.max(WARMUP_CHUNK, plan.concurrency()));
        while (System.nanoTime() < end) {
            LoadGenerator.run(chunk);
        }
    }

    private static final int WARMUP_CHUNK = 500;

    /** Median latency the candidate adds, in milliseconds. */
    public double addedP50Ms() {
        return candidate.latency().p50Ms() - baseline.latency().p50Ms();
    }

    public double addedP99Ms() {
        return candidate.latency().p99Ms() - baseline.latency().p99Ms();
    }

    /** Median delay the candidate adds to the first byte of the body (a stream's first event). */
    public double addedFirstByteP50Ms() {
        return candidate.firstByte().p50Ms() - baseline.firstByte().p50Ms();
    }

    public double addedFirstByteP99Ms() {
        return candidate.firstByte().p99Ms() - baseline.firstByte().p99Ms();
    }

    /** The candidate process's CPU time per measured call, in microseconds (all cores counted); NaN when unknown. */
    public double candidateCpuMicrosPerCall() {
        return candidateCpuNanos <= 0 || candidate.ok() == 0 ? Double.NaN : candidateCpuNanos / 1e3 / candidate.ok();
    }

    /** Candidate calls per second relative to the baseline's, e.g. 0.93. */
    public double throughputRatio() {
        return candidate.requestsPerSecond() / baseline.requestsPerSecond();
    }

    public long errors() {
        return baseline.errors() + candidate.errors();
    }
}
