package dev.aegis.auth;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.aegis.keys.KeyRecord;
import dev.aegis.store.KeyStore;
import java.time.Duration;
import java.util.Optional;

/**
 * Key lookups by id without a database query on the call path. Entries refresh in the background
 * after {@link #REFRESH} and are dropped after {@link #EXPIRE}, so a key minted, revoked or expired
 * by the CLI (another process) is honoured within a second. Unknown ids are cached too, so a flood
 * of bad keys does not reach the database.
 */
public final class KeyCache {

    static final Duration REFRESH = Duration.ofMillis(400);
    static final Duration EXPIRE = Duration.ofMillis(900);

    private final LoadingCache<String, Optional<KeyRecord>> cache;

    public KeyCache(KeyStore store, Ticker ticker) {
        this.cache = Caffeine.newBuilder()
                .ticker(ticker)
                .maximumSize(100_000)
                .refreshAfterWrite(REFRESH)
                .expireAfterWrite(EXPIRE)
                .recordStats()
                .build(store::find);
    }

    public Optional<KeyRecord> find(String id) {
        return cache.get(id);
    }

    /** The cache itself, for its hit and miss metrics. */
    public com.github.benmanes.caffeine.cache.Cache<String, Optional<KeyRecord>> cache() {
        return cache;
    }

    /** Forgets every entry (tests, and a config reload that changes the store). */
    public void invalidateAll() {
        cache.invalidateAll();
    }
}
