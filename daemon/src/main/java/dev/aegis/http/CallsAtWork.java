package dev.aegis.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many of the server's client connections are at work right now: handling a call, or asking for
 * their next request. Busy polling asks it before it spins ({@link SpinningConnection}, and the wait
 * for a provider's head): a spin only pays when nothing else needs the CPU.
 */
public final class CallsAtWork {

    private final AtomicInteger count = new AtomicInteger();

    public void enter() {
        count.incrementAndGet();
    }

    public void exit() {
        count.decrementAndGet();
    }

    /** The connections at work now, the caller's own included when it is one. */
    public int now() {
        return count.get();
    }
}
