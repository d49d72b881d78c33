package dev.aegis.daemon;

import dev.aegis.http.InFlightRequests;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back the heap a spell of heavy load grew, once the daemon has been quiet for a while. The
 * daemon's serial collector shrinks the old generation only at full collections, and in steps
 * (none of the excess at the first one after growing, then a tenth, then 40 %, then all of it),
 * and an idle daemon runs no collection at all: after a mixed burst it held 286 MB for as long as
 * it stayed idle, 216 MB with this (docs/BENCHMARKS.md). So after {@link #QUIET} without a call, and only
 * when the old generation is above its starting size (the young one follows it: {@link Heap#ofThisJvm}),
 * it runs up to {@link #COLLECTIONS} full collections
 * (a few milliseconds each with the little a quiet daemon keeps live), stopping as soon as a call
 * comes in or the old generation is back to its starting size. It waits on the end of calls, not on a timer:
 * a daemon that serves nothing wakes nothing.
 */
final class IdleHeapReturn implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IdleHeapReturn.class);

    /** How long without a call counts as quiet. */
    static final Duration QUIET = Duration.ofSeconds(30);
    /** Enough full collections for the serial collector's stepwise shrinking to reach its end. */
    static final int COLLECTIONS = 4;

    /** The heap's size (the part that shrinks at full collections) and what to run to shrink it: the JVM's, or a test's. */
    interface Heap {
        long committed();

        long initial();

        void collect();

        /** Told after each quiet spell how many collections ran (0 when the heap had not grown). */
        default void checked(int collections) {}

        /**
         * The serial collector's old generation when it runs, else the whole heap. The daemon's young
         * generation starts at 4 MB and is sized to the old one at each full collection, so the whole
         * heap never shrinks back to its start and every quiet spell would run all its collections for
         * nothing; the old generation's start is where it can shrink back to.
         *
         * @param collectFully runs one full collection ({@link OldGenerationBound#collectFully} when
         *     there is one, so that it watches from what the collection left)
         */
        static Heap ofThisJvm(Runnable collectFully) {
            Supplier<MemoryUsage> usage = OldGenerationBound.oldPool().<Supplier<MemoryUsage>>map(pool -> pool::getUsage)
                    .orElse(ManagementFactory.getMemoryMXBean()::getHeapMemoryUsage);
            return new Heap() {
                @Override
                public long committed() {
                    return usage.get().getCommitted();
                }

                @Override
                public long initial() {
                    return usage.get().getInit();
                }

                @Override
                public void collect() {
                    collectFully.run();
                }
            };
        }
    }

    private final InFlightRequests calls;
    private final Heap heap;
    private final Duration quiet;
    private final Thread thread;

    private IdleHeapReturn(InFlightRequests calls, Heap heap, Duration quiet) {
        this.calls = calls;
        this.heap = heap;
        this.quiet = quiet;
        long servedAtStart = calls.served(); // read here, not on the thread: a call may come before it runs
        this.thread = Thread.ofVirtual().name("aegis-idle-heap-return").unstarted(() -> run(servedAtStart));
    }

    static IdleHeapReturn start(InFlightRequests calls, Heap heap, Duration quiet) {
        IdleHeapReturn r = new IdleHeapReturn(calls, heap, quiet);
        r.thread.start();
        return r;
    }

    private void run(long servedAtStart) {
        long returnedAt = servedAtStart;
        try {
            while (true) {
                calls.awaitServedBeyond(returnedAt);
                long seen = awaitQuiet();
                returnIfGrown();
                returnedAt = seen;
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** Sleeps in spells of {@code quiet} until one passes without a call; returns the calls served by then. */
    private long awaitQuiet() throws InterruptedException {
        long seen;
        do {
            seen = calls.served();
            Thread.sleep(quiet);
        } while (calls.served() != seen || calls.active() > 0);
        return seen;
    }

    private void returnIfGrown() {
        long before = heap.committed();
        long initial = heap.initial();
        int runs = 0;
        while (runs < COLLECTIONS && heap.committed() > initial && calls.active() == 0) {
            heap.collect();
            runs++;
        }
        if (runs > 0) {
            LOG.debug("quiet for {} s: {} full collections took the heap from {} MB to {} MB", quiet.toSeconds(), runs,
                    before >> 20, heap.committed() >> 20);
        }
        heap.checked(runs);
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
