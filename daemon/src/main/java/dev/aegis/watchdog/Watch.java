package dev.aegis.watchdog;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/** One watched connection or stream: closed by the sweeper once it has been silent for its limit. */
public final class Watch implements AutoCloseable {

    private final Watchdogs owner;
    private final long limitNanos;
    private final Closeable target;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean fired;
    /** Set by whichever comes first, the close or the fire: a watch closed in time never fires. */
    private final AtomicBoolean settled = new AtomicBoolean();

    Watch(Watchdogs owner, long limitNanos, Closeable target) {
        this.owner = owner;
        this.limitNanos = limitNanos;
        this.target = target;
    }

    /** Bytes arrived: the clock starts again. */
    public void activity() {
        lastActivity = System.nanoTime();
    }

    /** True once the limit passed and the target was closed. */
    public boolean fired() {
        return fired;
    }

    boolean expired(long now) {
        return now - lastActivity > limitNanos;
    }

    void fire() {
        if (!settled.compareAndSet(false, true)) {
            return; // closed first: the work finished in time
        }
        fired = true;
        try {
            target.close();
        } catch (IOException e) {
            // Closing is all there is to do; the read that was waiting fails either way.
        }
    }

    /** Stops watching (the work finished, or failed on its own). */
    @Override
    public void close() {
        settled.compareAndSet(false, true);
        owner.forget(this);
    }
}
