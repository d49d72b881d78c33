package dev.aegis.streaming;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Ends a stream the provider has gone silent on ({@code timeouts.idle}): when no bytes arrive for
 * that long, the provider's stream is closed, which ends the relay as cut (recorded incomplete).
 */
public final class IdleWatchdog implements AutoCloseable {

    private static final ScheduledExecutorService TIMER = timer();

    private final long idleNanos;
    private final Closeable upstream;
    private final ScheduledFuture<?> task;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean fired;

    public IdleWatchdog(Duration idle, Closeable upstream) {
        this.idleNanos = idle.toNanos();
        this.upstream = upstream;
        long period = Math.max(10, idle.toMillis() / 4);
        this.task = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /** Bytes arrived: the provider is alive. */
    public void activity() {
        lastActivity = System.nanoTime();
    }

    public boolean fired() {
        return fired;
    }

    private void check() {
        if (!fired && System.nanoTime() - lastActivity > idleNanos) {
            fired = true;
            try {
                upstream.close();
            } catch (IOException e) {
                // Closing is all we can do; the read that was waiting fails either way.
            }
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }

    /**
     * One timer thread for every stream; a cancelled check leaves its queue at once instead of at its
     * next run (at hundreds of streams a second, thousands of finished streams would wait there).
     */
    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "aegis-idle-watchdog");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
