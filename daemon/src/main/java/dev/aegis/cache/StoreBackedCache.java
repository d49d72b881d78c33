package dev.aegis.cache;

import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Policy;
import dev.aegis.background.AfterTheAnswer;

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

    StoreBackedCache(LoadingCache<K, V> cache) {
        this.cache = cache;
        this.policy = cache.policy();
    }

    /**
     * The entry for {@code key}: the cached one (never older than the cache's expiry), or loaded on
     * this thread when there is none.
     */
    public V get(K key) {
        V value = policy.getIfPresentQuietly(key);
        if (value == null) {
            return cache.get(key);
        }
        AfterTheAnswer.later(() -> cache.getIfPresent(key));
        return value;
    }

    /** The Caffeine cache itself, for its metrics. */
    public LoadingCache<K, V> cache() {
        return cache;
    }

    public void invalidateAll() {
        cache.invalidateAll();
    }
}
