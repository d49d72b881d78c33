package dev.aegis.records;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records off the request path: callers enqueue (a few hundred nanoseconds), one thread
 * hands them to the sink in batches at most {@link #FLUSH_EVERY} apart. {@link #close(Duration)}
 * writes everything still queued, so a graceful stop loses nothing; a crash loses at most one flush
 * window. A failing sink (a database locked by another process, a full disk) is retried with the
 * batch kept in memory, never dropped.
 */
public final class BackgroundWriter<T> implements AutoCloseable {

    public static final Duration FLUSH_EVERY = Duration.ofMillis(200);
    private static final int BATCH = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundWriter.class);

    private final String name;
    private final Consumer<List<T>> sink;
    private final BlockingQueue<T> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closing;
    private final java.util.concurrent.atomic.AtomicLong submitted = new java.util.concurrent.atomic.AtomicLong();
    private long written;

    public BackgroundWriter(String name, Consumer<List<T>> sink) {
        this.name = name;
        this.sink = sink;
        this.writer = Thread.ofPlatform().name("aegis-" + name + "-writer").daemon(true).start(this::run);
    }

    public void submit(T item) {
        submitted.incrementAndGet();
        queue.add(item);
    }

    /** Waits until everything submitted before this call is written; false on timeout. */
    public boolean flush(Duration timeout) throws InterruptedException {
        long target = submitted.get();
        long deadline = System.nanoTime() + timeout.toNanos();
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
                }
                queue.drainTo(batch, BATCH - batch.size());
                sink.accept(batch);
                synchronized (this) {
                    written += batch.size();
                    notifyAll();
                }
                batch.clear();
            } catch (InterruptedException e) {
                closing = true;
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("could not write {} {} records yet ({}); retrying", batch.size(), name, e.getMessage());
                pause();
            }
        }
    }

    /** Records waiting to be written. */
    public int pending() {
        return queue.size();
    }

    /** Writes every queued record, then stops; bounded by the timeout. */
    public void close(Duration timeout) {
        closing = true;
        try {
            writer.join(timeout);
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
