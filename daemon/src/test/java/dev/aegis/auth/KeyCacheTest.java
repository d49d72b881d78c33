package dev.aegis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.KeyRecord;
import dev.aegis.keys.NewKey;
import dev.aegis.store.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyCacheTest {

    private final AtomicLong nanos = new AtomicLong(1);
    private final List<Thread> lookups = new ArrayList<>();
    private final List<Runnable> refreshes = new ArrayList<>();

    private final KeyStore store = new KeyStore() {
        @Override
        public KeyRecord create(NewKey request, ApiKeys.Minted minted) {
            throw new UnsupportedOperationException();
        }

        @Override
        public synchronized Optional<KeyRecord> find(String id) {
            lookups.add(Thread.currentThread());
            return Optional.empty();
        }

        @Override
        public List<KeyRecord> list() {
            return List.of();
        }

        @Override
        public boolean revoke(String id) {
            return false;
        }
    };

    @Test
    void aKeyDueForRefreshIsRefreshedOffTheCallingThread() {
        KeyCache keys = new KeyCache(store, nanos::get, 100, refreshes::add);
        assertThat(keys.find("k1")).isEmpty();
        assertThat(lookups).containsExactly(Thread.currentThread()); // a miss loads on the caller

        nanos.addAndGet(KeyCache.REFRESH.toNanos() + 1);
        assertThat(keys.find("k1")).isEmpty();
        assertThat(lookups).as("the caller got the cached answer, no lookup of its own").hasSize(1);
        assertThat(refreshes).as("the refresh was handed to the refresh executor").hasSize(1);

        refreshes.get(0).run();
        assertThat(lookups).hasSize(2);
    }

    @Test
    void upkeepRunsOnTheCallingThreadSoTheBoundHoldsAtOnce() {
        KeyCache keys = new KeyCache(store, nanos::get, 2, refreshes::add);
        for (int i = 0; i < 100; i++) {
            keys.find("k" + i);
            assertThat(keys.cache().estimatedSize()).as("after %d keys", i + 1).isLessThanOrEqualTo(2);
        }
    }
}
