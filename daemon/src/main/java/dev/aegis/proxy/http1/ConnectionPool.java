package dev.aegis.proxy.http1;

import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Idle keep-alive connections per origin, most recently used first (they are the least likely to
 * have been closed by the provider). A connection idle longer than {@link #IDLE_LIMIT} is closed
 * rather than reused, and at most {@link #MAX_IDLE_PER_ORIGIN} wait per origin.
 */
final class ConnectionPool implements AutoCloseable {

    /** Below the idle timeouts providers' load balancers use (60 s and more), so a reused connection is still open. */
    static final Duration IDLE_LIMIT = Duration.ofSeconds(30);
    static final int MAX_IDLE_PER_ORIGIN = 1024;

    private final Map<Origin, Idle> idle = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private volatile boolean closed;

    /**
     * An idle connection to the origin that is still usable, or null. Each is checked before it is
     * handed out ({@link Connection#quietAndOpen()}): one the provider closed while it waited, or sent
     * bytes on that no request asked for, is closed and the next one tried, so no byte of a request goes
     * to a dead connection and no leftover byte becomes another call's answer.
     */
    Connection take(Origin origin) {
        Idle q = idle.get(origin);
        if (q == null) {
            return null;
        }
        long now = System.nanoTime();
        Connection c;
        while ((c = q.pollFirst()) != null) {
            if (!c.isClosed() && now - c.idleSince() < IDLE_LIMIT.toNanos() && c.quietAndOpen()) {
                return c;
            }
            c.close();
        }
        return null;
    }

    /** A connection whose last answer was read to its end. */
    void release(Connection c) {
        if (closed || c.isClosed()) {
            c.close();
            return;
        }
        Idle q = idle.get(c.origin);
        if (q == null) { // the origin's first connection (no lambda made for each release)
            q = idle.computeIfAbsent(c.origin, o -> new Idle());
        }
        c.idleSince(System.nanoTime());
        if (!q.offerFirst(c)) {
            c.close();
            return;
        }
        if (closed) {
            close();
        }
    }

    /** Closes connections idle for too long (the oldest wait at the end of each queue). */
    void sweep() {
        long now = System.nanoTime();
        for (Idle q : idle.values()) {
            Connection c;
            while ((c = q.peekLast()) != null && now - c.idleSince() >= IDLE_LIMIT.toNanos()) {
                if (q.remove(c)) {
                    c.close();
                }
            }
        }
    }

    /** Idle connections now. */
    int idleCount() {
        return size.get();
    }

    @Override
    public void close() {
        closed = true;
        for (Idle q : idle.values()) {
            Connection c;
            while ((c = q.pollFirst()) != null) {
                c.close();
            }
        }
    }

    /**
     * One origin's idle connections with their count kept beside them: {@link ConcurrentLinkedDeque#size()}
     * walks the whole queue, and was asked on every release (0.7 % of the daemon's CPU at 64 connections,
     * docs/benchmarks/run-2026-12-04-1616-cpu-per-call.md).
     */
    private final class Idle {

        private final Deque<Connection> queue = new ConcurrentLinkedDeque<>();
        private final AtomicInteger count = new AtomicInteger();

        /** False, and nothing added, when the origin already has {@link #MAX_IDLE_PER_ORIGIN} waiting. */
        boolean offerFirst(Connection c) {
            if (count.incrementAndGet() > MAX_IDLE_PER_ORIGIN) {
                count.decrementAndGet();
                return false;
            }
            queue.offerFirst(c);
            size.incrementAndGet();
            return true;
        }

        Connection pollFirst() {
            Connection c = queue.pollFirst();
            if (c != null) {
                taken();
            }
            return c;
        }

        Connection peekLast() {
            return queue.peekLast();
        }

        boolean remove(Connection c) {
            if (queue.removeLastOccurrence(c)) {
                taken();
                return true;
            }
            return false;
        }

        private void taken() {
            count.decrementAndGet();
            size.decrementAndGet();
        }
    }
}
