package dev.aegis.cache;

import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Builders for the Caffeine caches a call reads on its own path (keys, rate limits, budgets, credit
 * accounts, leases). Their upkeep (expiry, eviction, draining the read buffer) runs on the calling
 * thread: it is a few hundred nanoseconds, whereas Caffeine's default, the JDK's common pool, woke a
 * pool thread about every five calls, a context switch per call on two cores
 * (docs/benchmarks/run-2026-12-04-1930-tails.md). Work that may block (a key's refresh from the store)
 * is given its own executor by the cache that needs it.
 */
public final class CallPathCaches {

    private CallPathCaches() {}

    /** A Caffeine builder whose upkeep runs on the thread that reads or writes the cache. */
    public static Caffeine<Object, Object> builder() {
        return Caffeine.newBuilder().executor(Runnable::run);
    }
}
