package dev.aegis.front;

import dev.aegis.http.CallsAtWork;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The threads the front's connections run on. A connection whose calls are the only ones at work
 * goes on on a platform thread: blocked on its socket (the client's, then the provider's), the kernel
 * wakes it directly when the bytes come. A virtual thread blocked on a socket is woken through the
 * JDK's poller thread and then a carrier, two wake-ups of an idle CPU on each leg of a call
 * (docs/adr/0007-a-front-of-our-own-for-the-proxy-routes.md). Under load, platform threads would
 * compete with the carriers for the CPUs, scheduled by the kernel beside them (the 64-connection p99
 * doubled when the first connections kept theirs for good), so connections move between the two
 * kinds at a request boundary: to a virtual thread once as many other calls are at work as there are
 * platform threads, back to a platform thread when their calls are alone again and no load has been
 * seen for {@link #CALM_NANOS} (under load the calls at work drop to none now and then, between a
 * load generator's batches, and a connection moving back and forth would cost two wake-ups a move).
 *
 * <p>A connection accepted while the daemon is quiet starts on a platform thread too (one that has
 * no connection), so that its first call is woken by the kernel on the way out as well: a client
 * that opens a connection for each call got its first byte sooner that way than from a virtual
 * thread moved at the end of the call (docs/benchmarks/run-2026-12-06-0540-platform-threads-when-quiet.md).
 *
 * <p>At most {@link #platformMax} platform threads ({@code server.platform_threads}), pooled, each
 * made when first needed and then kept, parked, for the next connection: on a 2-vCPU virtual
 * machine starting one took ≈ 0.7 ms, waking a parked one ≈ 0.14 ms.
 */
final class ConnectionThreads {

    /** How long after the last sign of load a connection may take a platform thread again. */
    static final long CALM_NANOS = 1_000_000_000L;
    private static final ThreadFactory VIRTUAL = Thread.ofVirtual().name("aegis-front").factory();

    private final CallsAtWork atWork;
    private final int platformMax;
    /** Null when {@link #platformMax} is 0: every connection on a virtual thread. */
    private final ThreadPoolExecutor platform;
    private final LongSupplier clock;
    /** When load was last seen ({@link #clock}): as many calls at work as platform threads, or more. */
    private volatile long loadSeen;

    /** @param platformMax the most connections on platform threads at once; 0 for none */
    ConnectionThreads(CallsAtWork atWork, int platformMax) {
        this(atWork, platformMax, System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime} */
    ConnectionThreads(CallsAtWork atWork, int platformMax, LongSupplier clock) {
        this.atWork = atWork;
        this.platformMax = platformMax;
        this.clock = clock;
        this.loadSeen = clock.getAsLong() - CALM_NANOS - 1;
        // No core threads (with them the pool would make a new thread while one was parked), and the
        // others kept for good: a connection goes to a parked thread, else to a new one while there are
        // fewer than the most, else stays on a virtual thread.
        this.platform = platformMax <= 0 ? null : new ThreadPoolExecutor(0, platformMax, Long.MAX_VALUE, TimeUnit.NANOSECONDS,
                new SynchronousQueue<>(), Thread.ofPlatform().name("aegis-front-lone").daemon(true).factory());
    }

    /** Starts a connection just accepted: on a platform thread when the daemon is quiet and one is free. */
    void start(Runnable connection) {
        if (!calm(atWork.now()) || !onPlatform(connection)) {
            VIRTUAL.newThread(connection).start();
        }
    }

    /**
     * At a request boundary of a connection served by the calling thread (its call done and counted
     * out of {@link CallsAtWork}): true when {@code connection} now goes on on another thread, which
     * the caller must leave it to (and return at once, touching none of it).
     *
     * @param requestWaiting the client's next request has already come: it is served where it is, unless
     *     the daemon is under load
     */
    boolean moved(Runnable connection, boolean requestWaiting) {
        int others = atWork.now();
        boolean calm = calm(others);
        if (Thread.currentThread().isVirtual()) {
            return calm && others == 0 && !requestWaiting && onPlatform(connection);
        }
        if (!calm) {
            VIRTUAL.newThread(connection).start();
            return true;
        }
        return false;
    }

    /** False under load ({@code atWork} calls at work, or load seen lately); notes the load when it is. */
    private boolean calm(int atWork) {
        long now = clock.getAsLong();
        if (atWork >= platformMax) {
            if (now - loadSeen > CALM_NANOS / 16) { // one write in a while, not one per call
                loadSeen = now;
            }
            return false;
        }
        return now - loadSeen > CALM_NANOS;
    }

    private boolean onPlatform(Runnable connection) {
        if (platform == null) {
            return false;
        }
        try {
            platform.execute(connection);
            return true;
        } catch (RejectedExecutionException e) {
            return false; // all of them busy, or stopped
        }
    }

    /** Parked platform threads end now; busy ones when their connection ends. */
    void stop() {
        if (platform != null) {
            platform.shutdown();
        }
    }
}
