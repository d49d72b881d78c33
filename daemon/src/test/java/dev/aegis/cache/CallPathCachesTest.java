package dev.aegis.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.aegis.background.AfterTheAnswer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A store-backed entry due for a refresh is served as it is, and re-read only once the call's answer is out. */
class CallPathCachesTest {

    @Test
    void aRefreshSetOffByACallStartsAfterItsAnswer() {
        AtomicLong now = new AtomicLong();
        AtomicInteger version = new AtomicInteger();
        List<Runnable> started = new ArrayList<>();
        LoadingCache<String, Integer> cache = CallPathCaches.storeBacked(CallPathCaches.builder().ticker(now::get),
                Duration.ofMillis(400), Duration.ofMillis(900), key -> version.incrementAndGet(),
                AfterTheAnswer.holding(started::add));
        assertThat(cache.get("k")).isEqualTo(1);
        now.addAndGet(Duration.ofMillis(500).toNanos());

        AfterTheAnswer.open();
        try {
            assertThat(cache.get("k")).isEqualTo(1); // due for a refresh: served as it is
            assertThat(started).isEmpty();
            AfterTheAnswer.answered();
            assertThat(started).hasSize(1);
        } finally {
            AfterTheAnswer.answered();
        }
        started.getFirst().run();
        assertThat(cache.get("k")).isEqualTo(2);
    }
}
