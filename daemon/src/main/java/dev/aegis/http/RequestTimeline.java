package dev.aegis.http;

import io.javalin.http.Context;

/**
 * When a request reached Aegis and how long it waited on providers, to tell Aegis's own time from
 * the provider's ({@code X-Aegis-Overhead-Ms} on every answer).
 */
public final class RequestTimeline {

    private static final String ATTRIBUTE = "aegis.timeline";

    private final long received = System.nanoTime();
    private long sentUpstream;
    private long upstreamHeaders;

    /** Starts the timeline of a request (a before-handler, so it covers everything Aegis does). */
    public static void start(Context ctx) {
        ctx.attribute(ATTRIBUTE, new RequestTimeline());
    }

    public static RequestTimeline of(Context ctx) {
        RequestTimeline t = ctx.attribute(ATTRIBUTE);
        return t != null ? t : new RequestTimeline();
    }

    public void sentUpstream() {
        sentUpstream = System.nanoTime();
    }

    public void upstreamHeaders() {
        upstreamHeaders = System.nanoTime();
    }

    /** Time spent inside Aegis so far, excluding the wait for the provider's headers. */
    public double overheadMillis() {
        return overheadNanos() / 1_000_000.0;
    }

    /** {@link #overheadMillis} as {@code X-Aegis-Overhead-Ms} carries it: milliseconds with 3 decimals. */
    public String overheadHeader() {
        return millis3(overheadNanos());
    }

    private long overheadNanos() {
        long now = System.nanoTime();
        long waiting = sentUpstream == 0 ? 0 : (upstreamHeaders == 0 ? now : upstreamHeaders) - sentUpstream;
        return now - received - waiting;
    }

    /** Nanoseconds as milliseconds with 3 decimals, rounded half up ({@code "%.3f"} without a Formatter per call). */
    static String millis3(long nanos) {
        long micros = (Math.max(0, nanos) + 500) / 1000;
        long fraction = micros % 1000;
        return (micros / 1000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }

    /** Sets {@code X-Aegis-Overhead-Ms} unless the answer already has it or is already on its way. */
    public static void stamp(Context ctx) {
        if (!ctx.res().isCommitted() && ctx.res().getHeader("X-Aegis-Overhead-Ms") == null) {
            ctx.header("X-Aegis-Overhead-Ms", of(ctx).overheadHeader());
        }
    }
}
