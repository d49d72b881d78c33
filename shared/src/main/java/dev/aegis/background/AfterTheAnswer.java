package dev.aegis.background;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Work a call sets off on its way in (a cache entry's refresh from the store, and the bookkeeping that
 * decides on it), held until the call's answer has reached its client: the whole answer written, or a
 * stream's head and first event flushed.
 *
 * <p>Why: starting that work (a virtual thread for the refresh) woke one of the scheduler's carrier
 * threads in the middle of the call, and the query then ran beside it. On two vCPUs the calls that
 * set off a refresh of the key's record and of its credit account (every 400 ms for a key in use)
 * took ≈ 0.23 ms longer on their way in, at the median of a client pausing 100 ms between calls
 * (`perf sched`; docs/benchmarks/run-2026-12-06-1545-refresh-after-the-answer.md): the tail of a stream's
 * first byte. Held back, the work starts a fraction of a millisecond later, when the call has
 * nothing left to wait for.
 *
 * <p>A call opens its hold ({@link #open}) on the thread that serves it and ends it ({@link #answered})
 * whatever happens; work set off on a thread without an open hold starts at once. Held work runs on
 * the call's own thread ({@link #later}), or hands a task to another executor from there ({@link #holding}).
 */
public final class AfterTheAnswer {

    /** A thread's hold: made once per thread, so a call that sets nothing off allocates nothing. */
    private static final class Hold {
        boolean open;
        final List<Runnable> tasks = new ArrayList<>(2);
    }

    private static final ThreadLocal<Hold> HOLD = ThreadLocal.withInitial(Hold::new);

    private AfterTheAnswer() {}

    /** An executor that holds a task until the answer of the call open on the submitting thread is out. */
    public static Executor holding(Executor then) {
        return task -> later(() -> then.execute(task));
    }

    /**
     * Runs {@code work} on this thread once the answer of the call open on it is out, or now when no
     * call is open on it.
     */
    public static void later(Runnable work) {
        Hold hold = HOLD.get();
        if (hold.open) {
            hold.tasks.add(work);
        } else {
            work.run();
        }
    }

    /** This thread serves a call from now on: work set off through {@link #holding} waits for its answer. */
    public static void open() {
        HOLD.get().open = true;
    }

    /**
     * The answer has reached the client (or its first event has), or the call is over however it
     * ended: starts what was held, and holds nothing more. Never throws: held work is the call's
     * side business, and a task that fails goes to this thread's uncaught-exception handler (as it
     * would have on a thread of its own) while the others still run and the call goes on to its
     * record.
     */
    public static void answered() {
        Hold hold = HOLD.get();
        if (!hold.open) {
            return;
        }
        hold.open = false;
        for (Runnable task : hold.tasks) {
            try {
                task.run();
            } catch (RuntimeException e) {
                Thread self = Thread.currentThread();
                self.getUncaughtExceptionHandler().uncaughtException(self, e);
            }
        }
        hold.tasks.clear();
    }
}
