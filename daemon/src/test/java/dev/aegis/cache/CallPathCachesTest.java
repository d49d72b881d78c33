package dev.aegis.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.background.AfterTheAnswer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A store-backed entry due for a refresh is served as it is; the read that decides on the refresh, and
 * the refresh, come once the call's answer is out.
 */
class CallPathCachesTest {

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger version = new AtomicInteger();
    /** Refreshes handed to the reload executor, not run yet. */
    private final List<Runnable> reloads = new ArrayList<>();
    private final StoreBackedCache<String, Integer> cache = CallPathCaches.storeBacked(
            CallPathCaches.builder().ticker(now::get).recordStats(), Duration.ofMillis(400), Duration.ofMillis(900),
            key -> version.incrementAndGet(), reloads::add);

    @AfterEach
    void endCall() {
        AfterTheAnswer.answered();
    }

    @Test
    void aRefreshIsDecidedAndStartedOnlyAfterTheCallsAnswer() {
        assertThat(cache.get("k")).isEqualTo(1);
        now.addAndGet(Duration.ofMillis(500).toNanos());

        AfterTheAnswer.open();
        assertThat(cache.get("k")).isEqualTo(1); // due for a refresh: served as it is
        assertThat(reloads).as("nothing decided on the call's way").isEmpty();
        assertThat(cache.cache().stats().hitCount()).isZero();
        AfterTheAnswer.answered();

        assertThat(reloads).hasSize(1);
        assertThat(cache.cache().stats().hitCount()).as("the read, recorded after the answer").isEqualTo(1);
        reloads.getFirst().run();
        assertThat(cache.get("k")).isEqualTo(2);
    }

    @Test
    void aMissOrAnExpiredEntryLoadsOnTheCallingThreadAtOnce() {
        AfterTheAnswer.open();
        assertThat(cache.get("k")).isEqualTo(1);
        now.addAndGet(Duration.ofMillis(901).toNanos());
        assertThat(cache.get("k")).as("never older than the expiry").isEqualTo(2);
        assertThat(reloads).isEmpty();
    }

    @Test
    void aRefreshTheStoreFailsLeavesTheEntryToExpireAndLogsNoStackTrace() {
        java.util.logging.Logger caffeine = java.util.logging.Logger.getLogger("com.github.benmanes.caffeine.cache.BoundedLocalCache");
        List<java.util.logging.LogRecord> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        caffeine.addHandler(handler);
        try {
            AtomicInteger loads = new AtomicInteger();
            StoreBackedCache<String, Integer> failing = CallPathCaches.storeBacked(CallPathCaches.builder().ticker(now::get),
                    Duration.ofMillis(400), Duration.ofMillis(900), key -> {
                        if (loads.incrementAndGet() > 1) {
                            throw new IllegalStateException("the store is unavailable");
                        }
                        return 1;
                    }, Runnable::run);
            assertThat(failing.get("k")).isEqualTo(1);
            now.addAndGet(Duration.ofMillis(500).toNanos());
            assertThat(failing.get("k")).as("served while its refresh fails").isEqualTo(1);
            assertThat(loads).hasValue(2);
            assertThat(logged).as("a store outage's refreshes are not logged with their stack").isEmpty();
            now.addAndGet(Duration.ofMillis(401).toNanos());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> failing.get("k"))
                    .as("never served older than the expiry").hasMessageContaining("unavailable");
        } finally {
            caffeine.removeHandler(handler);
        }
    }

    @Test
    void outsideACallTheOrdinaryReadHappensAtOnce() {
        cache.get("k");
        now.addAndGet(Duration.ofMillis(500).toNanos());
        assertThat(cache.get("k")).isEqualTo(1);
        assertThat(reloads).hasSize(1);
    }

    @Test
    void callsMissingAKeyWhileItLoadsShareTheLoadsFailure() throws Exception {
        int n = 8;
        List<Thread> callers = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger loads = new AtomicInteger();
        StoreBackedCache<String, Integer> failing = CallPathCaches.storeBacked(CallPathCaches.builder(), Duration.ofMillis(400),
                Duration.ofMillis(900), key -> {
                    if (loads.incrementAndGet() == 1) {
                        awaitTheOthersWaiting(callers);
                    }
                    throw new dev.aegis.store.StoreUnavailableException("the database is down", null);
                }, Runnable::run);
        for (int i = 0; i < n; i++) {
            callers.add(new Thread(() -> {
                try {
                    failing.get("k");
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }));
        }
        callers.forEach(Thread::start);
        for (Thread t : callers) {
            t.join(10_000);
        }
        assertThat(failures).hasSize(n).allMatch(e -> e instanceof dev.aegis.store.StoreUnavailableException);
        assertThat(loads.get()).as("loads run for %d calls that missed together", n).isEqualTo(1);
    }

    @Test
    void aKeyLoadingDoesNotHoldUpTheLoadsOfOtherKeys() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger slowLoads = new AtomicInteger();
        StoreBackedCache<String, Integer> cache = CallPathCaches.storeBacked(CallPathCaches.builder(), Duration.ofMillis(400),
                Duration.ofMillis(900), key -> {
                    if (key.equals("slow")) {
                        slowLoads.incrementAndGet();
                        try {
                            release.await(20, java.util.concurrent.TimeUnit.SECONDS); // the store's connection timeout
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return key.length();
                }, Runnable::run);
        Thread slow = Thread.ofVirtual().start(() -> cache.get("slow"));
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (slowLoads.get() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // a poll with a deadline: the slow load starts on another thread
            }
            // Many other keys: some share the slow key's bin of Caffeine's map, whose lock its load held.
            java.util.concurrent.CompletableFuture<Void> others = java.util.concurrent.CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 512; i++) {
                    assertThat(cache.get("key-" + i)).isEqualTo(("key-" + i).length());
                }
            });
            others.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(slow.isAlive()).as("the slow key still loads").isTrue();
        } finally {
            release.countDown();
            slow.join();
        }
    }

    /** Polls (with a deadline) until every caller but this one waits: all have missed and wait for this load. */
    private static void awaitTheOthersWaiting(List<Thread> callers) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            long waiting = callers.stream().filter(t -> t != Thread.currentThread())
                    .filter(t -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.BLOCKED).count();
            if (waiting == callers.size() - 1) {
                return;
            }
            Thread.onSpinWait();
        }
    }
}
