package dev.aegis.admission;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Amounts added on the request path (a map update) and written to the shared store by one
 * background thread, summed per key. Once something waits, the thread lingers {@link #LINGER} so
 * that the calls ending meanwhile share its write (one transaction for many calls instead of one
 * per call), then writes; what arrives during a write goes in the next one. The linger is short:
 * the sooner the other daemons see an amount, the tighter a shared limit holds (docs/TEAM.md).
 * A failed write (the store down) is kept and retried. Until its write commits, an amount is
 * {@link #pending}, so this daemon's own checks count it meanwhile. Each write's delay, from the
 * first amount it carries being added to its commit, is reported: how late other daemons may see
 * this one's spending, the last term of docs/TEAM.md's bounds.
 */
final class DeltaWriter<K> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeltaWriter.class);
    /** How long a write waits for more amounts once one is waiting (docs/TEAM.md's bounds count it). */
    static final Duration LINGER = Duration.ofMillis(5);
    private static final Duration RETRY = Duration.ofMillis(200);
    /** The longest the writer sleeps while idle, in case a wake-up was missed. */
    private static final Duration IDLE_CHECK = Duration.ofSeconds(1);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final String name;
    private final ConcurrentHashMap<K, Long> pending = new ConcurrentHashMap<>();
    private final Consumer<Map<K, Long>> sink;
    private final Runnable housekeeping;
    private final LongConsumer writeDelays;
    private final long housekeepingEveryNs;
    private final Thread writer;
    private volatile boolean closing;
    /** The writer is asleep until something is added (only then does an addition wake it: one wake-up per write, not per call). */
    private volatile boolean idle;
    private volatile long closeDeadline = Long.MAX_VALUE;
    /** When the oldest amount not taken into a write yet was added (nanoTime; 0: none since the last take). */
    private volatile long oldestAddedNs;

    /**
     * @param sink writes a batch (one transaction), or throws and the batch is retried
     * @param housekeeping runs on the writer's thread every {@code housekeepingEvery} (forgets old counters)
     * @param writeDelays told each committed write's delay in nanoseconds: from its oldest amount's addition to the commit
     */
    DeltaWriter(String name, Consumer<Map<K, Long>> sink, Runnable housekeeping, Duration housekeepingEvery,
            LongConsumer writeDelays) {
        this.name = name;
        this.sink = sink;
        this.housekeeping = housekeeping;
        this.writeDelays = writeDelays;
        this.housekeepingEveryNs = housekeepingEvery.toNanos();
        this.writer = Thread.ofPlatform().name("aegis-" + name + "-sync").daemon(true).start(this::run);
    }

    void add(K key, long amount) {
        pending.merge(key, amount, Long::sum);
        // After the merge: an amount the writer's next take misses finds the mark cleared and sets it anew.
        if (oldestAddedNs == 0) {
            oldestAddedNs = System.nanoTime();
        }
        if (idle) {
            LockSupport.unpark(writer);
        }
    }

    /** What was added to a key and is not written yet. */
    long pending(K key) {
        Long amount = pending.get(key);
        return amount == null ? 0 : amount;
    }

    private void run() {
        long nextHousekeeping = System.nanoTime() + housekeepingEveryNs;
        boolean failing = false;
        long batchSince = 0;
        while (!Thread.currentThread().isInterrupted()) {
            Map<K, Long> batch = new HashMap<>(pending);
            if (batch.isEmpty()) {
                if (closing) {
                    return;
                }
                long now = System.nanoTime();
                if (now - nextHousekeeping >= 0) {
                    nextHousekeeping = now + housekeepingEveryNs;
                    try {
                        housekeeping.run();
                    } catch (RuntimeException e) {
                        LOG.warn("{}: housekeeping failed ({}); tried again later", name, e.getMessage());
                    }
                }
                idle = true;
                if (pending.isEmpty() && !closing) {
                    LockSupport.parkNanos(this, Math.clamp(nextHousekeeping - System.nanoTime(), 1, IDLE_CHECK.toNanos()));
                }
                idle = false;
                continue;
            }
            linger();
            // A failed batch's amounts are still pending: its delay runs on from its first attempt's mark.
            if (batchSince == 0) {
                batchSince = takeOldestAdded();
            } else {
                oldestAddedNs = 0;
            }
            batch = new HashMap<>(pending);
            try {
                sink.accept(batch);
                writeDelays.accept(System.nanoTime() - batchSince);
                batchSince = 0;
                // Taken off only once committed; an amount added meanwhile stays for the next write.
                batch.forEach((key, amount) -> pending.computeIfPresent(key, (k, v) -> v - amount == 0 ? null : v - amount));
                if (failing) {
                    LOG.info("{} are written to the store again", name);
                }
                failing = false;
            } catch (RuntimeException e) {
                if (!failing) {
                    LOG.error("cannot write {} to the store ({}); kept in memory and retried", name, e.getMessage());
                }
                failing = true;
                if (closing && System.nanoTime() - closeDeadline >= 0) {
                    LOG.error("{}: {} counters could not be written before the stop", name, batch.size());
                    return;
                }
                LockSupport.parkNanos(this, RETRY.toNanos());
            }
        }
    }

    /** When the oldest amount about to be taken was added, and clears the mark for the amounts after the take. */
    private long takeOldestAdded() {
        long since = oldestAddedNs;
        oldestAddedNs = 0;
        return since != 0 ? since : System.nanoTime();
    }

    /** Waits {@link #LINGER} for more amounts (a stop cuts it short). */
    private void linger() {
        long until = System.nanoTime() + LINGER.toNanos();
        long left;
        while (!closing && (left = until - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
        }
    }

    /** Writes what is pending (bounded: the store may be down), then stops. */
    @Override
    public void close() {
        closeDeadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join(CLOSE_TIMEOUT.plusSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
