package dev.aegis.watchdog;

import java.io.Closeable;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread that closes what has gone silent for too long: a provider that sends no answer head
 * within {@code timeouts.first_byte}, or no byte for {@code timeouts.idle}. Closing the connection
 * fails the read that was waiting on it.
 *
 * <p>Why not a socket read timeout or a scheduled task per call: a timed blocking read on a virtual
 * thread schedules (and then cancels) a timer task in the JDK's scheduler and wakes its timer
 * thread twice per call, and a scheduled check per call costs a queue insert and removal with
 * their locking. Here a call adds itself to a concurrent set and removes itself at the end; the
 * sweeper looks at the set a few times per shortest limit, and parks for good when nothing has
 * been watched for a while (an idle daemon wakes no thread).
 */
public final class Watchdogs {

    private static final long MIN_PERIOD = 10_000_000L; // 10 ms
    private static final long MAX_PERIOD = 250_000_000L; // 250 ms

    /** The daemon's one sweeper (declared after the constants its constructor uses). */
    public static final Watchdogs SHARED = new Watchdogs("aegis-watchdogs", Duration.ofSeconds(5));

    private final Set<Watch> watched = ConcurrentHashMap.newKeySet();
    private final AtomicLong period = new AtomicLong(MAX_PERIOD);
    private final String threadName;
    /** With nothing watched for this long the sweeper stops ticking until the next watch. */
    private final long lingerNanos;
    private volatile Thread sweeper;
    private volatile boolean dormant;
    private volatile long lastWatched;
    private volatile long sweeps;

    Watchdogs(String threadName, Duration linger) {
        this.threadName = threadName;
        this.lingerNanos = linger.toNanos();
    }

    /**
     * Starts watching: {@code target} is closed once {@code limit} passes without {@link
     * Watch#activity()}. Close the watch when the work is done.
     */
    public Watch watch(Duration limit, Closeable target) {
        long limitNanos = limit.toNanos();
        Watch w = new Watch(this, limitNanos, target);
        long wanted = Math.clamp(limitNanos / 4, MIN_PERIOD, MAX_PERIOD);
        if (wanted < period.get()) { // nearly always false: no write to the shared field per call
            period.accumulateAndGet(wanted, Math::min);
        }
        watched.add(w);
        lastWatched = System.nanoTime();
        Thread t = sweeper;
        if (t == null) {
            start();
        } else if (dormant) {
            LockSupport.unpark(t);
        }
        return w;
    }

    /** Watches {@code in} for {@code limit} of silence; each read on the result counts as activity. */
    public WatchedInput watchReads(Duration limit, InputStream in) {
        return new WatchedInput(in, watch(limit, in));
    }

    void forget(Watch w) {
        watched.remove(w);
    }

    private synchronized void start() {
        if (sweeper == null) {
            Thread t = new Thread(this::sweep, threadName);
            t.setDaemon(true);
            sweeper = t;
            t.start();
        }
    }

    private void sweep() {
        while (true) {
            if (watched.isEmpty() && System.nanoTime() - lastWatched > lingerNanos) {
                dormant = true;
                // A watch added between the check and here sees dormant and unparks us.
                if (watched.isEmpty()) {
                    LockSupport.park(this);
                }
                dormant = false;
            } else {
                LockSupport.parkNanos(this, period.get());
            }
            sweeps++;
            long now = System.nanoTime();
            for (Watch w : watched) {
                if (w.expired(now)) {
                    watched.remove(w);
                    w.fire();
                }
            }
        }
    }

    /** How often the sweeper looks, in nanoseconds (for tests). */
    long periodNanos() {
        return period.get();
    }

    /** Sweeps so far (for tests). */
    long sweeps() {
        return sweeps;
    }

    /** True while the sweeper is parked until the next watch (for tests). */
    boolean dormant() {
        return dormant;
    }

    /** Watches currently held (for tests). */
    int size() {
        return watched.size();
    }
}
