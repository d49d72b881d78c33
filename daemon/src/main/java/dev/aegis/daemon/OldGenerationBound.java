package dev.aegis.daemon;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the old generation from filling with promoted garbage under load. The daemon's serial
 * collector never collects the old generation while it can still grow: when a young collection
 * promotes more than the old generation has free, it commits more heap instead (up to the JVM's
 * maximum, a quarter of the machine's memory). Calls in flight at a young collection (a stream's
 * buffers, a request's body) are promoted when the survivor spaces overflow and die soon after, so
 * under steady load the old generation grew by their size at every few young collections and was
 * never collected: the external harness measured the heap going from its starting 96 MB to 241 MB
 * committed (docs/benchmarks/run-2026-12-04-2220-memory.md), all of it resident.
 *
 * <p>So once a young collection leaves the old generation using more than it started with, and at
 * least twice what the last full collection left live in it (never a collection per young one when
 * the live data itself is large: a 32 MB body), this runs one full collection on its own thread;
 * with {@code -XX:-ShrinkHeapInSteps} (the launcher's) the full collection also gives the grown part
 * back. The JVM itself watches for that point: it is the old generation's usage threshold, which
 * the JVM checks after every collection and reports only when it is crossed. Listening to every
 * collection's notification instead cost the JVM's notification thread ≈ 0.2 ms of CPU per young
 * collection, tens of times a second under load, just as the calls the pause held up resumed
 * (issue 29). Only for the serial collector; with any other it does nothing.
 */
final class OldGenerationBound implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OldGenerationBound.class);

    /** The serial collector's old generation's pool. */
    static final String OLD_POOL = "Tenured Gen";

    /** The old generation's usage past which a young collection has promoted garbage worth a full collection. */
    static long threshold(long initialCommitted, long liveAfterLastFull) {
        return Math.max(initialCommitted, 2 * liveAfterLastFull);
    }

    /**
     * A threshold the JVM accepts: no more than the old generation's maximum (when it has one). On a
     * small machine twice a large live size can pass it, and the JVM refuses such a threshold.
     */
    static long withinMax(long threshold, long max) {
        return max >= 0 ? Math.min(threshold, max) : threshold;
    }

    /** The old generation as this needs it: the JVM's, or a test's. */
    interface OldGeneration {
        /** Runs a full collection. */
        void collectFully();

        /** What the last full collection left in use. */
        long liveAfterLastFull();

        /** Asks to be told ({@link #crossed}) after the first collection that leaves more than this in use. */
        void watch(long threshold);
    }

    private final long initialCommitted;
    private final OldGeneration old;
    private final Semaphore requested = new Semaphore(0);
    private final Thread thread;
    private final AtomicBoolean pending = new AtomicBoolean();
    private Runnable unregister = () -> {};

    OldGenerationBound(long initialCommitted, OldGeneration old) {
        this.initialCommitted = initialCommitted;
        this.old = old;
        old.watch(threshold(initialCommitted, 0));
        this.thread = Thread.ofVirtual().name("aegis-old-generation-bound").start(this::run);
    }

    /** The serial collector's old generation in this JVM; empty under another collector. */
    static Optional<MemoryPoolMXBean> oldPool() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getName().equals(OLD_POOL)).findFirst();
    }

    /** Started on this JVM's collector when it is the serial one; empty otherwise. */
    static Optional<OldGenerationBound> startOnThisJvm() {
        Optional<MemoryPoolMXBean> found = oldPool();
        if (found.isEmpty() || !found.get().isUsageThresholdSupported()
                || !(ManagementFactory.getMemoryMXBean() instanceof NotificationEmitter memory)) {
            return Optional.empty();
        }
        MemoryPoolMXBean pool = found.get();
        OldGenerationBound bound = new OldGenerationBound(pool.getUsage().getInit(), new OldGeneration() {
            @Override
            public void collectFully() {
                System.gc();
            }

            @Override
            public long liveAfterLastFull() {
                MemoryUsage after = pool.getCollectionUsage();
                return after == null ? 0 : after.getUsed();
            }

            @Override
            public void watch(long threshold) {
                pool.setUsageThreshold(withinMax(threshold, pool.getUsage().getMax()));
            }
        });
        NotificationListener listener = (notification, handback) -> {
            if (MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED.equals(notification.getType())
                    && OLD_POOL.equals(MemoryNotificationInfo.from((CompositeData) notification.getUserData()).getPoolName())) {
                bound.crossed();
            }
        };
        memory.addNotificationListener(listener, null, null);
        bound.unregister = () -> {
            try {
                memory.removeNotificationListener(listener);
            } catch (javax.management.ListenerNotFoundException e) {
                // already gone
            }
        };
        return Optional.of(bound);
    }

    /** Told that a collection left the old generation past the watched threshold: one full collection, unless one is coming. */
    void crossed() {
        if (pending.compareAndSet(false, true)) {
            requested.release();
        }
    }

    /**
     * Runs a full collection on the caller's thread and watches again from what it left live. The
     * daemon's other full collections (a quiet daemon's, {@link IdleHeapReturn}) run through here too,
     * so the threshold never stays at twice a live size long gone.
     */
    void collectFully() {
        old.collectFully();
        old.watch(threshold(initialCommitted, old.liveAfterLastFull()));
    }

    private void run() {
        try {
            while (true) {
                requested.acquire();
                collectFully();
                pending.set(false);
                LOG.debug("the old generation grew past its start with promoted garbage: one full collection ran");
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    @Override
    public void close() {
        unregister.run();
        thread.interrupt();
    }
}
