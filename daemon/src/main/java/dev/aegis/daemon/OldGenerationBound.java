package dev.aegis.daemon;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import javax.management.Notification;
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
 * <p>So after each young collection that left the old generation larger than it started, and at
 * least twice what the last full collection left live in it (never a collection per young one when
 * the live data itself is large: a 32 MB body), this runs one full collection, off the collector's
 * notification thread; with {@code -XX:-ShrinkHeapInSteps} (the launcher's) the full collection
 * also gives the grown part back. Only for the serial collector; with any other it does nothing.
 */
final class OldGenerationBound implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OldGenerationBound.class);

    /** The serial collector's names: its young and full collections, and its old generation's pool. */
    static final String YOUNG = "Copy";
    static final String FULL = "MarkSweepCompact";
    static final String OLD_POOL = "Tenured Gen";

    /** The old generation's size and occupancy after a collection, in bytes. */
    record Old(long used, long committed) {}

    /** The decision alone: whether the old generation, as a young collection left it, needs a full collection. */
    static boolean needsFullCollection(Old afterYoung, long initialCommitted, long liveAfterLastFull) {
        return afterYoung.committed() > initialCommitted && afterYoung.used() > 2 * liveAfterLastFull;
    }

    /** Runs a full collection: the JVM's, or a test's. */
    interface Collector {
        void collect();
    }

    private final long initialCommitted;
    private final Collector collector;
    private final Semaphore requested = new Semaphore(0);
    private final Thread thread;
    private volatile long liveAfterLastFull;
    private volatile boolean pending;
    private Runnable unregister = () -> {};

    OldGenerationBound(long initialCommitted, Collector collector) {
        this.initialCommitted = initialCommitted;
        this.collector = collector;
        this.thread = Thread.ofVirtual().name("aegis-old-generation-bound").start(this::run);
    }

    /** The serial collector's old generation in this JVM; empty under another collector. */
    static Optional<MemoryPoolMXBean> oldPool() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getName().equals(OLD_POOL)).findFirst();
    }

    /** Started on this JVM's collector when it is the serial one; empty otherwise. */
    static Optional<OldGenerationBound> startOnThisJvm() {
        Optional<GarbageCollectorMXBean> young = collector(YOUNG);
        Optional<GarbageCollectorMXBean> full = collector(FULL);
        Optional<MemoryPoolMXBean> old = oldPool();
        if (young.isEmpty() || full.isEmpty() || old.isEmpty()
                || !(young.get() instanceof NotificationEmitter youngEmitter)
                || !(full.get() instanceof NotificationEmitter fullEmitter)) {
            return Optional.empty();
        }
        OldGenerationBound bound = new OldGenerationBound(old.get().getUsage().getInit(), System::gc);
        NotificationListener listener = (notification, handback) -> bound.collected(notification);
        youngEmitter.addNotificationListener(listener, null, null);
        fullEmitter.addNotificationListener(listener, null, null);
        bound.unregister = () -> {
            try {
                youngEmitter.removeNotificationListener(listener);
                fullEmitter.removeNotificationListener(listener);
            } catch (javax.management.ListenerNotFoundException e) {
                // already gone
            }
        };
        return Optional.of(bound);
    }

    private static Optional<GarbageCollectorMXBean> collector(String name) {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().filter(c -> c.getName().equals(name)).findFirst();
    }

    private void collected(Notification notification) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        MemoryUsage after = info.getGcInfo().getMemoryUsageAfterGc().get(OLD_POOL);
        if (after != null) {
            afterCollection(FULL.equals(info.getGcName()), new Old(after.getUsed(), after.getCommitted()));
        }
    }

    /** Told what a collection left in the old generation; asks for a full collection when a young one left too much. */
    void afterCollection(boolean full, Old old) {
        if (full) {
            liveAfterLastFull = old.used();
            pending = false;
        } else if (!pending && needsFullCollection(old, initialCommitted, liveAfterLastFull)) {
            pending = true;
            requested.release();
        }
    }

    private void run() {
        try {
            while (true) {
                requested.acquire();
                collector.collect();
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
