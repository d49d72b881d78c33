package dev.aegis.records;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records off the request path: callers enqueue (a few hundred nanoseconds), one thread
 * hands them to the sink in batches at most {@link #FLUSH_EVERY} apart. Once a record arrives the
 * writer lingers {@link #LINGER} for more before it writes (group commit), unless a {@link #flush}
 * or {@link #close} is waiting or {@link #FULL_BATCH} records are already queued: a sink's cost per
 * batch (a transaction, an fsync, opening the file) is then shared by every record of that moment
 * instead of paid for one or two, and callers do not wake the writer for each record. The batch
 * bound keeps what waits small under load: every queued record is alive at the next young
 * collection, which copies it, and lingering the whole 20 ms at 9,000 calls/s kept ≈ 0.8 MB waiting
 * across the receipts and usage writers, doubling each collection's pause (issue 29's 1-connection
 * tail, docs/benchmarks/run-2026-12-05-0430-gc-pauses.md). {@link #close(Duration)}
 * writes everything still queued, so a graceful stop loses nothing; a crash loses at most one flush
 * window. A failing sink (a database locked by another process, a full disk) is retried with the
 * batch kept in memory, never dropped; a sink that wrote part of a batch before failing removes
 * those items from the batch, so they are not written twice. A writer given a spill hands it what
 * the sink still cannot take when a stop's time is up ({@link Spool}), instead of losing it.
 */
public final class BackgroundWriter<T> implements AutoCloseable {

    public static final Duration FLUSH_EVERY = Duration.ofMillis(200);
    /** How long the first record of a batch waits for others; well inside {@link #FLUSH_EVERY}. */
    static final Duration LINGER = Duration.ofMillis(20);
    private static final int BATCH = 1000;
    /**
     * Queued records that end a linger at once: enough to share a batch's cost, few enough to stay
     * young. At one connection (≈ 9,000 calls/s) 32 cut the mean young pause about as much as a 2 ms
     * linger did but cost the two writers ≈ 10 µs more CPU per call (an fsync and a transaction per
     * batch); 64 and 128 cost less and paused about as briefly (the run file above).
     */
    static final int FULL_BATCH = 64;
    /** Longer than a store's wait for a connection (5 s), so a last failing write still ends in a spill. */
    static final Duration SPILL_GRACE = Duration.ofSeconds(6);
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundWriter.class);

    private final String name;
    private final Consumer<List<T>> sink;
    private final Consumer<List<T>> spill;
    /** When a stop's time to write is up (System.nanoTime); what the sink still cannot take then is spilled. */
    private volatile long spillAt = Long.MAX_VALUE;
    private final BlockingQueue<T> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final long lingerNanos;
    private volatile boolean closing;
    private final AtomicLong submitted = new AtomicLong();
    private volatile long written;
    private volatile boolean failing;
    /** When the write under way began (System.nanoTime); 0 between writes. */
    private volatile long writeStarted;
    /** A write longer than this is stalled ({@link #stalled}): ordinary batches take milliseconds. */
    static final Duration STALLED = Duration.ofSeconds(2);
    /** Callers of {@link #flush} waiting now: the writer does not linger while there are any. */
    private final AtomicInteger flushing = new AtomicInteger();
    /** True while the writer lingers; the submitter that fills a batch wakes it. */
    private volatile boolean lingering;
    /** Set by {@link #submitAll}: a whole batch is queued, so the writer writes it without lingering. */
    private volatile boolean wholeBatchQueued;

    public BackgroundWriter(String name, Consumer<List<T>> sink) {
        this(name, sink, LINGER, null);
    }

    /**
     * @param spill takes what the sink still cannot write when a {@link #close(Duration)} runs out
     *     of time (a database down through the whole stop), so it is kept instead of lost
     */
    public BackgroundWriter(String name, Consumer<List<T>> sink, Consumer<List<T>> spill) {
        this(name, sink, LINGER, spill);
    }

    BackgroundWriter(String name, Consumer<List<T>> sink, Duration linger) {
        this(name, sink, linger, null);
    }

    private BackgroundWriter(String name, Consumer<List<T>> sink, Duration linger, Consumer<List<T>> spill) {
        this.name = name;
        this.sink = sink;
        this.spill = spill;
        this.lingerNanos = linger.toNanos();
        this.writer = Thread.ofPlatform().name("aegis-" + name + "-writer").daemon(true).start(this::run);
    }

    /**
     * Queues records another writer already gathered into a batch (the usage rows of a batch of
     * receipts): the writer writes them at once instead of lingering for more. A second linger would
     * not make its batches larger, only keep every record alive longer (young collections copy it).
     */
    public void submitAll(List<T> items) {
        if (items.isEmpty()) {
            return;
        }
        submitted.addAndGet(items.size());
        queue.addAll(items);
        wholeBatchQueued = true;
        LockSupport.unpark(writer);
    }

    public void submit(T item) {
        submitted.incrementAndGet();
        queue.add(item);
        if (lingering && batchFull()) {
            lingering = false;
            LockSupport.unpark(writer);
        }
    }

    /** Waits until everything submitted before this call is written; false on timeout. */
    public boolean flush(Duration timeout) throws InterruptedException {
        long target = submitted.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        flushing.incrementAndGet();
        try {
            LockSupport.unpark(writer);
            synchronized (this) {
                while (written < target) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    wait(Math.max(1, left / 1_000_000));
                }
            }
            return true;
        } finally {
            flushing.decrementAndGet();
        }
    }

    private void run() {
        List<T> batch = new ArrayList<>(BATCH);
        while ((!closing || !queue.isEmpty() || !batch.isEmpty()) && !Thread.currentThread().isInterrupted()) {
            try {
                if (batch.isEmpty()) {
                    T first = queue.poll(FLUSH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    linger();
                }
                queue.drainTo(batch, BATCH - batch.size());
                int size = batch.size();
                writeStarted = System.nanoTime();
                try {
                    sink.accept(batch);
                    batch.clear();
                    if (failing) {
                        LOG.info("{} records are being written again", name);
                    }
                    failing = false;
                } finally {
                    writeStarted = 0;
                    counted(size - batch.size());
                }
            } catch (InterruptedException e) {
                closing = true;
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                if (spill != null && closing && System.nanoTime() >= spillAt) {
                    queue.drainTo(batch);
                    int size = batch.size();
                    spill.accept(batch);
                    batch.clear();
                    counted(size);
                    return;
                }
                if (!failing) {
                    LOG.error("cannot write {} records ({}); {} are kept in memory and retried", name, e.getMessage(),
                            backlog());
                }
                failing = true;
                pause();
            }
        }
    }

    /** Lets a batch gather for the linger time, cut short by a flush, a close, a full batch or a whole batch handed over (each unparks the writer). */
    private void linger() {
        long until = System.nanoTime() + lingerNanos;
        long left;
        lingering = true;
        try {
            while (!closing && flushing.get() == 0 && !wholeBatchQueued && !batchFull()
                    && (left = until - System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, left);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        } finally {
            lingering = false;
            wholeBatchQueued = false; // what it announced is drained next
        }
    }

    /** Whether a lingering batch is full: {@link #FULL_BATCH} records with the first, which the writer holds. */
    private boolean batchFull() {
        return queue.size() >= FULL_BATCH - 1;
    }

    private synchronized void counted(int n) {
        if (n > 0) {
            written += n;
            notifyAll();
        }
    }

    /** Records submitted and not written yet (queued, or in a batch being written or retried). */
    public long backlog() {
        return submitted.get() - written;
    }

    /** True while the sink keeps failing (its records wait in memory). */
    public boolean failing() {
        return failing;
    }

    /**
     * True while a write has gone on for longer than {@link #STALLED}: a database locked by another
     * process holds a write for its 10 s busy timeout before it fails, and the records meanwhile piled
     * up far past {@code audit.max_backlog} (750 with a limit of 50) before the writer said it failed.
     */
    public boolean stalled() {
        long started = writeStarted;
        return started != 0 && System.nanoTime() - started > STALLED.toNanos();
    }

    /** Writes every queued record, then stops; bounded by the timeout. */
    public void close(Duration timeout) {
        if (spill != null) {
            // Half the time to write; then what the sink still cannot take is spilled.
            spillAt = System.nanoTime() + timeout.toNanos() / 2;
        }
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join(timeout);
            if (writer.isAlive() && spill != null) {
                // A write begun just before the spill time may wait for a connection that long before it fails.
                writer.join(SPILL_GRACE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.error("{} {} records could not be written before the stop", queue.size(), name);
            writer.interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
