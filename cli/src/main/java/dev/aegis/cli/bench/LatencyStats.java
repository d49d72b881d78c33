package dev.aegis.cli.bench;

import java.util.Arrays;

/** Percentiles of a set of durations (nanoseconds in, milliseconds out), nearest-rank. */
public record LatencyStats(long count, double p50Ms, double p90Ms, double p99Ms, double maxMs, double meanMs) {

    public static final LatencyStats NONE = new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** @param nanos the samples; sorted in place */
    public static LatencyStats of(long[] nanos, int count) {
        if (count == 0) {
            return NONE;
        }
        Arrays.sort(nanos, 0, count);
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += nanos[i];
        }
        return new LatencyStats(count, ms(rank(nanos, count, 0.50)), ms(rank(nanos, count, 0.90)),
                ms(rank(nanos, count, 0.99)), ms(nanos[count - 1]), sum / count / 1e6);
    }

    private static long rank(long[] sorted, int count, double q) {
        int i = (int) Math.ceil(q * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, i))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
