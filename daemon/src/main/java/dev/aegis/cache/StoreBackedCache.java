package dev.aegis.cache;

import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Policy;
import dev.aegis.background.AfterTheAnswer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A cache of what the store says, read on a call's path ({@link CallPathCaches#storeBacked}). A call
 * reads an entry quietly (no access recorded, no refresh decided) and makes the ordinary read, which
 * records the access and may set off the entry's refresh, once its answer is out ({@link AfterTheAnswer}).
 *
 * <p>Why: deciding on a refresh (Caffeine's {@code refreshIfNeeded}: a map entry for the refresh in
 * flight, a {@code CompletableFuture}, the reload's task) happens once per entry every refresh period
 * (400 ms), a few times a second however busy the daemon is, so the JIT never compiles it: it ran in
 * the interpreter, in the middle of the call that found the entry due, on about every other call of a
 * client streaming back to back (issue 29; docs/benchmarks/run-2026-12-06-1750-quiet-reads.md).
 */
public final class StoreBackedCache<K, V> {

    private final LoadingCache<K, V> cache;
    private final Policy<K, V> policy;
    private final Function<K, V> load;
    /** Times the cache was emptied: a load that saw it happen does not keep what it read. */
    private final java.util.concurrent.atomic.AtomicLong invalidations = new java.util.concurrent.atomic.AtomicLong();
    /** The loads running now on a caller's thread, by key. */
    private final ConcurrentHashMap<K, CompletableFuture<V>> loading = new ConcurrentHashMap<>();

    /** @param load what {@code cache}'s loader runs: a miss runs it on the calling thread ({@link #get}) */
    StoreBackedCache(LoadingCache<K, V> cache, Function<K, V> load) {
        this.cache = cache;
        this.policy = cache.policy();
        this.load = load;
    }

    /**
     * The entry for {@code key}: the cached one (never older than the cache's expiry), or loaded on
     * this thread when there is none. Calls that miss the same key while it loads get that load's
     * outcome, its failure too: a failed load is not cached, and each caller waiting on Caffeine's
     * load then ran one of its own after it, so during a database outage a key's concurrent calls were
     * refused one connection timeout after another (20 calls: the last after 100 s) instead of together;
     * calls for other keys do not wait for it at all.
     */
    public V get(K key) {
        V value = policy.getIfPresentQuietly(key);
        if (value == null) {
            return load(key);
        }
        AfterTheAnswer.later(() -> cache.getIfPresent(key));
        return value;
    }

    private V load(K key) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> running = loading.putIfAbsent(key, mine);
        if (running != null) {
            return outcome(running);
        }
        try {
            // Loaded here, not in Caffeine's compute: that holds a lock on the map's bin, which other keys
            // share, so during an outage a call for another key waited out this one's connection timeout.
            long generation = invalidations.get();
            V fresh = load.apply(key);
            // Not kept when the cache was emptied meanwhile (a key revoked): what was read may be from before.
            V loaded = fresh == null || invalidations.get() != generation ? fresh
                    : cache.get(key, k -> fresh); // a miss and a load in the statistics
            mine.complete(loaded);
            return loaded;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(key, mine);
        }
    }

    /** What another caller's load gave: its value, or its very exception. */
    private static <V> V outcome(CompletableFuture<V> load) {
        try {
            return load.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** The Caffeine cache itself, for its metrics. */
    public LoadingCache<K, V> cache() {
        return cache;
    }

    public void invalidateAll() {
        invalidations.incrementAndGet();
        cache.invalidateAll();
    }
}
