package dev.aegis.cli.bench;

import java.util.Arrays;

/** The raw measurements of one or more load runs, merged before percentiles are taken. */
public final class Samples {

    private long[] latency = new long[0];
    private long[] firstByte = new long[0];
    private int count;
    private long errors;
    private String firstError;
    private long elapsedNanos;

    synchronized void add(long[] latencies, long[] firstBytes, int n, long errorCount, String error, long elapsed) {
        if (count + n > latency.length) {
            latency = Arrays.copyOf(latency, Math.max(count + n, latency.length * 2));
            firstByte = Arrays.copyOf(firstByte, latency.length);
        }
        System.arraycopy(latencies, 0, latency, count, n);
        System.arraycopy(firstBytes, 0, firstByte, count, n);
        count += n;
        errors += errorCount;
        if (firstError == null) {
            firstError = error;
        }
        elapsedNanos += elapsed;
    }

    /** Adds another run's samples to these. */
    public synchronized Samples merge(Samples other) {
        add(other.latency, other.firstByte, other.count, other.errors, other.firstError, other.elapsedNanos);
        return this;
    }

    public synchronized LoadResult result() {
        return new LoadResult(count, errors, firstError, elapsedNanos / 1e9,
                LatencyStats.of(Arrays.copyOf(latency, count), count),
                LatencyStats.of(Arrays.copyOf(firstByte, count), count));
    }
}
