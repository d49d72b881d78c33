package dev.aegis.http;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.aegis.config.ServerConfig;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many client connections the daemon holds open at once ({@code server.max_connections}). At the
 * cap the acceptor waits until one closes: further clients wait in the kernel's accept queue instead
 * of taking the last file descriptors, which the daemon needs for its provider connections, its
 * store and its receipts (20,000 idle connections once stalled every new one, and the calls with them).
 *
 * <p>Unset, the cap is half of what the process's descriptor limit leaves after a reserve for the
 * daemon's own files: each call in flight holds a provider connection beside its client's.
 */
final class ConnectionCap {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCap.class);

    /** Descriptors kept for the daemon's own files (jars, store, receipts, logs) before connections. */
    static final int RESERVED_DESCRIPTORS = 512;
    /** How often a waiting acceptor looks again; connections close one by one, no sooner than this matters. */
    private static final long RECHECK_MILLIS = 20;
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int max;
    private final IntSupplier open;
    private long lastWarned = System.nanoTime() - WARN_EVERY_NANOS;

    /**
     * @param max the cap
     * @param open the client connections open now (the front's and Jetty's)
     */
    ConnectionCap(int max, IntSupplier open) {
        this.max = max;
        this.open = open;
    }

    /** The cap {@code settings} give, or the one derived from this process's descriptor limit. */
    static int of(ServerConfig settings) {
        if (settings.maxConnections() != ServerConfig.AUTO_MAX_CONNECTIONS) {
            return settings.maxConnections();
        }
        long descriptors = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : 0;
        return fromDescriptorLimit(descriptors);
    }

    /** Half of what {@code descriptors} leave after {@link #RESERVED_DESCRIPTORS}; 10,000 when unknown. */
    static int fromDescriptorLimit(long descriptors) {
        if (descriptors <= 0) {
            return 10_000;
        }
        long half = (descriptors - RESERVED_DESCRIPTORS) / 2;
        return (int) Math.clamp(half, ServerConfig.MIN_MAX_CONNECTIONS, ServerConfig.MAX_MAX_CONNECTIONS);
    }

    int max() {
        return max;
    }

    /**
     * Returns once a connection more fits, or once {@code running} turns false (the daemon stops).
     * Called by the acceptor before it accepts.
     */
    void awaitRoom(BooleanSupplier running) throws InterruptedException {
        while (open.getAsInt() >= max && running.getAsBoolean()) {
            long now = System.nanoTime();
            if (now - lastWarned >= WARN_EVERY_NANOS) {
                lastWarned = now;
                LOG.warn("{} client connections are open, server.max_connections: new ones wait until one closes", max);
            }
            Thread.sleep(RECHECK_MILLIS);
        }
    }
}
