package dev.aegis.auth;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.aegis.cache.CallPathCaches;
import dev.aegis.cache.StoreBackedCache;
import dev.aegis.keys.KeyRecord;
import dev.aegis.store.KeyStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Key lookups by id without a database query on the call path. Entries refresh in the background
 * after {@link #REFRESH} and are dropped after {@link #EXPIRE}, so a key minted, revoked or expired
 * by the CLI (another process) is honoured within a second. Unknown ids are cached too, so a flood
 * of bad keys does not reach the database.
 */
public final class KeyCache {

    static final Duration REFRESH = Duration.ofMillis(400);
    static final Duration EXPIRE = Duration.ofMillis(900);

    private final StoreBackedCache<String, Optional<KeyRecord>> cache;

    public KeyCache(KeyStore store, Ticker ticker) {
        this(store, ticker, 100_000, CallPathCaches.ownThreads("aegis-key-refresh"));
    }

    /**
     * The cache's upkeep (draining its read buffer, evicting) runs on the calling thread, not handed to
     * another pool's thread: a handed-over drain every few lookups woke a {@code commonPool} thread, a
     * wake-up and a core taken in the middle of a call (docs/benchmarks/run-2026-12-04-1930-tails.md).
     * Refreshes run on {@code refreshes} (a virtual thread each), so a slow store never holds up the
     * call that found a key due for one.
     */
    KeyCache(KeyStore store, Ticker ticker, long maximumSize, Executor refreshes) {
        this.cache = CallPathCaches.storeBacked(CallPathCaches.builder().ticker(ticker).maximumSize(maximumSize).recordStats(),
                REFRESH, EXPIRE, store::find, refreshes);
    }

    public Optional<KeyRecord> find(String id) {
        return cache.get(id);
    }

    /** The cache itself, for its hit and miss metrics. */
    public com.github.benmanes.caffeine.cache.Cache<String, Optional<KeyRecord>> cache() {
        return cache.cache();
    }

    /** Forgets every entry (tests, and a config reload that changes the store). */
    public void invalidateAll() {
        cache.invalidateAll();
    }
}
