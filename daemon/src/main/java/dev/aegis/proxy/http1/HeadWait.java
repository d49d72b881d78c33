package dev.aegis.proxy.http1;

import dev.aegis.http1.BusyPoll;
import dev.aegis.http1.YieldFirst;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * How a call waits for its answer's head once the request is written. A blocking read on a virtual
 * thread parks it: when the bytes come, the JDK's poller thread wakes and then a carrier thread is
 * woken to run the call again. On a daemon with nothing else to do, those two wake-ups cost more than a
 * provider on the same machine takes to answer (issue 29: +0.06 ms at the median and 55 µs of CPU per
 * call at one connection, docs/benchmarks/run-2026-12-04-2200-head-wait.md).
 *
 * <p>So a call on a virtual thread ({@link BusyPoll#worthOnThisThread}: a platform thread is woken by
 * the kernel directly) asks its socket for the first bytes, for up to {@link #spinNanos}
 * ({@code server.head_busy_poll}, 100 µs unless set), before it parks, when it is the only call the
 * daemon is serving and its connection's previous answer started within that time. A remote
 * provider's answer never does, so it costs at most one spin per new connection. With other calls
 * at work, the carriers have their work to do and a spin would take a CPU they need: at 64
 * connections, a call alone in its wait for a head (not alone at work) spun on CPUs the others
 * needed (issue 29, docs/benchmarks/run-2026-12-05-0700-per-collection-cold-path.md). There a call on
 * a virtual thread lets the others run once before it reads instead ({@link YieldFirst}): by then
 * the head has nearly always come, and the read finds it without a park.
 */
final class HeadWait {

    /** The longest a call asks before it parks ({@code server.head_busy_poll}); 0 never. */
    private final long spinNanos;
    private final IntSupplier callsAtWork;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger spins = new AtomicInteger();
    /** Counted on every call under load: an adder, not a contended atomic. */
    private final LongAdder yields = new LongAdder();

    /** @param callsAtWork how many calls the daemon is serving now, the caller's own included */
    HeadWait(Duration busyPoll, IntSupplier callsAtWork) {
        this.spinNanos = busyPoll.toNanos();
        this.callsAtWork = callsAtWork;
    }

    /** The status line of the answer to the request just written on {@code conn}. */
    String statusLine(Connection conn) throws IOException {
        long start = System.nanoTime();
        boolean alone = waiting.incrementAndGet() == 1 && callsAtWork.getAsInt() <= 1;
        try {
            if (alone && spinNanos > 0 && conn.lastHeadNanos() <= spinNanos && BusyPoll.worthOnThisThread()) {
                spins.incrementAndGet();
                conn.spinUntilReadable(start + spinNanos);
            } else if (conn.nothingBuffered() && YieldFirst.beforeRead(!alone)) {
                yields.increment();
            }
            String line = conn.readLine();
            conn.lastHeadNanos(System.nanoTime() - start);
            return line;
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** How many calls asked before parking, for tests. */
    int spins() {
        return spins.get();
    }

    /** How many calls let the others run before reading ({@link YieldFirst}), for tests. */
    long yields() {
        return yields.sum();
    }
}
