package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.daemon.OldGenerationBound.Old;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OldGenerationBoundTest {

    private static final long MB = 1 << 20;
    private static final long INITIAL = 32 * MB;

    @Test
    void aYoungCollectionThatGrewTheOldGenerationAsksForAFullOne() {
        assertThat(OldGenerationBound.needsFullCollection(new Old(33 * MB, 34 * MB), INITIAL, 0)).isTrue();
    }

    @Test
    void anOldGenerationStillWithinItsStartingSizeIsLeftAlone() {
        assertThat(OldGenerationBound.needsFullCollection(new Old(31 * MB, INITIAL), INITIAL, 0)).isFalse();
    }

    @Test
    void largeLiveDataIsNotCollectedAgainUntilItHasDoubled() {
        // A full collection left 100 MB live (large bodies in flight): no full collection per young one.
        assertThat(OldGenerationBound.needsFullCollection(new Old(150 * MB, 160 * MB), INITIAL, 100 * MB)).isFalse();
        assertThat(OldGenerationBound.needsFullCollection(new Old(201 * MB, 210 * MB), INITIAL, 100 * MB)).isTrue();
    }

    @Test
    void oneFullCollectionRunsPerGrowthAndTheNextWaitsForItsResult() throws InterruptedException {
        Semaphore collections = new Semaphore(0);
        try (OldGenerationBound bound = new OldGenerationBound(INITIAL, collections::release)) {
            bound.afterCollection(false, new Old(40 * MB, 41 * MB));
            assertThat(collections.tryAcquire(10, TimeUnit.SECONDS)).as("a full collection ran").isTrue();
            // Young collections before the full one's result came: no second request.
            bound.afterCollection(false, new Old(45 * MB, 46 * MB));
            assertThat(collections.tryAcquire(200, TimeUnit.MILLISECONDS)).isFalse();
            // The full collection left 20 MB live and gave the rest back; grown again past twice that: another.
            bound.afterCollection(true, new Old(20 * MB, INITIAL));
            bound.afterCollection(false, new Old(39 * MB, 40 * MB));
            assertThat(collections.tryAcquire(200, TimeUnit.MILLISECONDS)).isFalse();
            bound.afterCollection(false, new Old(41 * MB, 42 * MB));
            assertThat(collections.tryAcquire(10, TimeUnit.SECONDS)).as("a second full collection ran").isTrue();
        }
    }
}
