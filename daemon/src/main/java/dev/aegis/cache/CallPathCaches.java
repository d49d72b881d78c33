package dev.aegis.cache;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.aegis.background.AfterTheAnswer;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Builders for the Caffeine caches a call reads on its own path (keys, rate limits, budgets, credit
 * accounts, leases). Their upkeep (expiry, eviction, draining the read buffer) runs on the calling
 * thread: it is a few hundred nanoseconds, whereas Caffeine's default, the JDK's common pool, woke a
 * pool thread about every five calls, a context switch per call on two cores
 * (docs/benchmarks/run-2026-12-04-1930-tails.md). Work that may block (a refresh from the store)
 * runs on an executor of its own ({@link #storeBacked}).
 */
public final class CallPathCaches {

    private CallPathCaches() {}

    /** A Caffeine builder whose upkeep runs on the thread that reads or writes the cache. */
    public static Caffeine<Object, Object> builder() {
        return Caffeine.newBuilder().executor(Runnable::run);
    }

    /**
     * A cache of what the store says (a key's record, whether it has credits), read on the call path
     * and kept fresh off it: an entry read once {@code refresh} old is reloaded on {@code reloads} while
     * the call goes on with it (decided and started after the call's answer: {@link StoreBackedCache}),
     * and one {@code expire} old is dropped, so nothing served is older than
     * {@code expire} and a key called more often than that never has a call wait for the store. A key
     * called less often loads on the calling thread (a miss). A query on the calling thread every
     * {@code expire} was one call in nine of a client streaming back to back (issue 29).
     *
     * @param builder from {@link #builder()}, with the size, ticker and statistics the cache wants
     * @param reloads runs a refresh's query (a new virtual thread each, after the call's answer: {@link #ownThreads})
     */
    public static <K, V> StoreBackedCache<K, V> storeBacked(Caffeine<Object, Object> builder, Duration refresh, Duration expire,
            Function<K, V> load, Executor reloads) {
        CacheLoader<K, V> loader = new CacheLoader<>() {
            @Override
            public V load(K key) {
                return load.apply(key);
            }

            /**
             * A refresh the store fails (it is down) ends as cancelled: the entry is served until it expires,
             * as after any failed refresh, and Caffeine, which logs other failures with their stack trace
             * (a warning in daemon.out every refresh period of an outage), leaves a cancellation unlogged.
             * The calls that find the entry expired get the store's error themselves (503).
             */
            @Override
            public CompletableFuture<V> asyncReload(K key, V old, Executor unused) {
                CompletableFuture<V> reloaded = new CompletableFuture<>();
                reloads.execute(() -> {
                    try {
                        reloaded.complete(load.apply(key));
                    } catch (RuntimeException e) {
                        reloaded.completeExceptionally(new CancellationException(e.toString()));
                    }
                });
                return reloaded;
            }
        };
        return new StoreBackedCache<>(builder.refreshAfterWrite(refresh).expireAfterWrite(expire).build(loader), load);
    }

    /**
     * Runs each task on a new virtual thread of this name, once the answer of the call that set it
     * off is out ({@link AfterTheAnswer}): starting the thread mid-call woke a carrier beside it.
     */
    public static Executor ownThreads(String name) {
        return AfterTheAnswer.holding(task -> Thread.ofVirtual().name(name).start(task));
    }
}
