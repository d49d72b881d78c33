package dev.aegis.background;

import java.util.function.LongSupplier;

/**
 * Yield points for background work that runs in long stretches (a batch of usage rows stored, a
 * batch of receipts signed), so that it does not hold a core for long while a call waits for one.
 *
 * <p>Why: on a machine with two cores a call's hops (the gateway's threads, the client's, the
 * provider's) wake one another tens of microseconds apart, and Linux's scheduler (EEVDF) lets a
 * thread it picked run to the end of its slice (≈ 1.5 ms on two cores) before a thread woken on
 * the same core gets it, even while the other core idles: it rebalances at the next tick. Writers
 * that stored or signed a 20 ms batch in one stretch so held up about one call in a hundred by
 * 1–4 ms (docs/BENCHMARKS.md, "Background work gives way"). {@link Thread#yield()} ends the
 * stretch: the scheduler runs a waiting call's thread first; when none waits it costs a system
 * call (≈ 1 µs).
 *
 * <p>One instance per stretch of work (a batch), used on the thread doing it (not thread-safe):
 * call {@link #point()} between items.
 */
public final class GiveWay {

    /** The longest stretch between yields; an item (a receipt signed, a few rows stored) takes a few to tens of µs. */
    static final long STRETCH_NANOS = 50_000;

    /**
     * A yield that kept this thread off its core this long means the cores are saturated: calls run
     * anyway, and a writer that kept giving way every {@link #STRETCH_NANOS} would fall behind (its
     * backlog, and the daemon's memory, growing at 64 connections). The stretches after such a yield
     * run {@link #SATURATED_STRETCH_NANOS}.
     */
    static final long BUSY_NANOS = 500_000;

    /**
     * The stretch after a yield that showed the cores saturated: still a yield a millisecond, so a
     * batch never runs whole through a moment of saturation (one slow yield used to stop the yields
     * for the rest of the batch, and a 3 ms batch then held a woken call's thread until the next
     * scheduler tick: run-2026-12-05-0130-writer-stretches.md).
     */
    static final long SATURATED_STRETCH_NANOS = 1_000_000;

    private final LongSupplier clock;
    private final Runnable yield;
    private long since;
    private long stretch = STRETCH_NANOS;
    private int yields;

    public GiveWay() {
        this(System::nanoTime, Thread::yield);
    }

    GiveWay(LongSupplier clock, Runnable yield) {
        this.clock = clock;
        this.yield = yield;
        this.since = clock.getAsLong();
    }

    /** Between two items of work: yields the core when this stretch has run its length. */
    public void point() {
        long now = clock.getAsLong();
        if (now - since >= stretch) {
            yield.run();
            yields++;
            since = clock.getAsLong();
            stretch = since - now >= BUSY_NANOS ? SATURATED_STRETCH_NANOS : STRETCH_NANOS;
        }
    }

    /** How many times {@link #point()} yielded. */
    int yields() {
        return yields;
    }
}
