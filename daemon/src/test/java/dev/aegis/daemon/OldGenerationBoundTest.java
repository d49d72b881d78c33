package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OldGenerationBoundTest {

    private static final long MB = 1 << 20;
    private static final long INITIAL = 32 * MB;

    @Test
    void theOldGenerationIsWatchedFromItsStartingSizeUntilLiveDataOutgrowsHalfOfIt() {
        assertThat(OldGenerationBound.threshold(INITIAL, 0)).isEqualTo(INITIAL);
        assertThat(OldGenerationBound.threshold(INITIAL, 12 * MB)).isEqualTo(INITIAL);
        // A full collection left 100 MB live (large bodies in flight): no full collection per young one.
        assertThat(OldGenerationBound.threshold(INITIAL, 100 * MB)).isEqualTo(200 * MB);
    }

    @Test
    void aThresholdPastTheOldGenerationsMaximumIsItsMaximum() {
        assertThat(OldGenerationBound.withinMax(200 * MB, 192 * MB)).isEqualTo(192 * MB);
        assertThat(OldGenerationBound.withinMax(40 * MB, 192 * MB)).isEqualTo(40 * MB);
        assertThat(OldGenerationBound.withinMax(40 * MB, -1)).as("no maximum").isEqualTo(40 * MB);
    }

    /** An old generation whose full collections leave {@link #live} in use; the thresholds it was asked to watch, in order. */
    private static final class FakeOld implements OldGenerationBound.OldGeneration {
        final Semaphore collections = new Semaphore(0);
        final Semaphore release = new Semaphore(0);
        final LinkedBlockingQueue<Long> watched = new LinkedBlockingQueue<>();
        final AtomicLong live = new AtomicLong();
        volatile boolean holdCollections;

        @Override
        public void collectFully() {
            collections.release();
            if (holdCollections) {
                release.acquireUninterruptibly();
            }
        }

        @Override
        public long liveAfterLastFull() {
            return live.get();
        }

        @Override
        public void watch(long threshold) {
            watched.add(threshold);
        }
    }

    @Test
    void eachCrossingRunsOneFullCollectionAndTheNextThresholdIsTwiceWhatItLeftLive() throws InterruptedException {
        FakeOld old = new FakeOld();
        try (OldGenerationBound bound = new OldGenerationBound(INITIAL, old)) {
            assertThat(old.watched.poll()).as("watched from the start").isEqualTo(INITIAL);
            old.live.set(20 * MB);
            old.holdCollections = true;
            bound.crossed();
            assertThat(old.collections.tryAcquire(10, TimeUnit.SECONDS)).as("a full collection ran").isTrue();
            // Crossings reported before the full collection's result came: no second collection.
            bound.crossed();
            bound.crossed();
            old.release.release();
            assertThat(old.watched.poll(10, TimeUnit.SECONDS)).as("watched again from what it left").isEqualTo(40 * MB);
            assertThat(old.collections.tryAcquire(200, TimeUnit.MILLISECONDS)).isFalse();
            // Grown past that again: another.
            old.holdCollections = false;
            old.live.set(100 * MB);
            bound.crossed();
            assertThat(old.collections.tryAcquire(10, TimeUnit.SECONDS)).as("a second full collection ran").isTrue();
            assertThat(old.watched.poll(10, TimeUnit.SECONDS)).isEqualTo(200 * MB);
        }
    }

    @Test
    void anotherFullCollectionRunThroughTheBoundAlsoMovesTheThreshold() throws InterruptedException {
        FakeOld old = new FakeOld();
        try (OldGenerationBound bound = new OldGenerationBound(INITIAL, old)) {
            old.watched.clear();
            old.live.set(150 * MB);
            bound.collectFully(); // a quiet daemon's (IdleHeapReturn)
            assertThat(old.watched.poll()).isEqualTo(300 * MB);
            old.live.set(10 * MB);
            bound.collectFully();
            assertThat(old.watched.poll()).as("not left at twice a live size long gone").isEqualTo(INITIAL);
        }
    }
}
