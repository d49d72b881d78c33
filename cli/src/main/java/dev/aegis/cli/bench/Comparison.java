package dev.aegis.cli.bench;

import java.util.function.LongSupplier;

/**
 * The same load sent straight to the upstream and through Aegis, after a warm-up of both, in
 * alternating rounds so that whatever else the machine does meanwhile weighs on both paths alike.
 */
public record Comparison(LoadResult direct, LoadResult aegis, long aegisCpuNanos) {

    /** Rounds per path; the requests are split evenly between them. */
    static final int ROUNDS = 4;

    /**
     * @param direct the plan against the upstream
     * @param aegis the same plan against the gateway
     * @param warmup calls sent on each path first, not measured (the JIT compiles the hot paths meanwhile)
     * @param aegisCpu the CPU time the daemon has used so far, in nanoseconds (read around its rounds)
     */
    public static Comparison measure(LoadPlan direct, LoadPlan aegis, int warmup, LongSupplier aegisCpu)
            throws InterruptedException {
        if (warmup > 0) {
            LoadGenerator.run(direct.withRequests(warmup));
            LoadGenerator.run(aegis.withRequests(warmup));
        }
        Samples d = new Samples();
        Samples a = new Samples();
        long cpu = 0;
        int rounds = Math.min(ROUNDS, direct.requests());
        for (int r = 0; r < rounds; r++) {
            int n = direct.requests() / rounds + (r < direct.requests() % rounds ? 1 : 0);
            d.merge(LoadGenerator.run(direct.withRequests(n)));
            long before = aegisCpu.getAsLong();
            a.merge(LoadGenerator.run(aegis.withRequests(n)));
            cpu += aegisCpu.getAsLong() - before;
        }
        return new Comparison(d.result(), a.result(), cpu);
    }

    /** Median latency Aegis adds, in milliseconds. */
    public double addedP50Ms() {
        return aegis.latency().p50Ms() - direct.latency().p50Ms();
    }

    public double addedP99Ms() {
        return aegis.latency().p99Ms() - direct.latency().p99Ms();
    }

    /** Median delay Aegis adds to the first byte of the body (a stream's first event). */
    public double addedFirstByteP50Ms() {
        return aegis.firstByte().p50Ms() - direct.firstByte().p50Ms();
    }

    public double addedFirstByteP99Ms() {
        return aegis.firstByte().p99Ms() - direct.firstByte().p99Ms();
    }

    /** The daemon's CPU time per measured call, in microseconds (both cores counted); NaN when unknown. */
    public double aegisCpuMicrosPerCall() {
        return aegisCpuNanos <= 0 || aegis.ok() == 0 ? Double.NaN : aegisCpuNanos / 1e3 / aegis.ok();
    }

    public long errors() {
        return direct.errors() + aegis.errors();
    }
}
