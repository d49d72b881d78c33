package dev.aegis.usage;

import dev.aegis.store.StoreException;
import dev.aegis.store.UsageRow;
import dev.aegis.store.UsageStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records usage rows off the request path: calls enqueue (a few hundred nanoseconds), one writer
 * thread inserts them in batches, at most {@link #FLUSH_EVERY} apart. {@link #close()} writes every
 * row still queued, so a graceful stop loses nothing; a crash loses at most the last flush window.
 * A failed write (database locked by another process) is retried with the rows kept in memory.
 */
public final class UsageRecorder implements AutoCloseable {

    static final Duration FLUSH_EVERY = Duration.ofMillis(200);
    private static final int BATCH = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(UsageRecorder.class);

    private final UsageStore store;
    private final BlockingQueue<UsageRow> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closing;

    public UsageRecorder(UsageStore store) {
        this.store = store;
        this.writer = Thread.ofPlatform().name("aegis-usage-writer").daemon(true).start(this::run);
    }

    public void record(UsageRow row) {
        queue.add(row);
    }

    private void run() {
        List<UsageRow> batch = new ArrayList<>(BATCH);
        while ((!closing || !queue.isEmpty() || !batch.isEmpty()) && !Thread.currentThread().isInterrupted()) {
            try {
                if (batch.isEmpty()) {
                    UsageRow first = queue.poll(FLUSH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                }
                queue.drainTo(batch, BATCH - batch.size());
                store.insert(batch);
                batch.clear();
            } catch (InterruptedException e) {
                closing = true;
            } catch (StoreException e) {
                LOG.warn("could not write {} usage rows yet ({}); retrying", batch.size(), e.getMessage());
                sleepQuietly(Duration.ofMillis(250));
            }
        }
    }

    /** Rows waiting to be written (for health and tests). */
    public int pending() {
        return queue.size();
    }

    /** Writes every queued row, then stops the writer; bounded by the timeout. */
    public void close(Duration timeout) {
        closing = true;
        try {
            writer.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.error("{} usage rows could not be written before the stop", queue.size());
            writer.interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
