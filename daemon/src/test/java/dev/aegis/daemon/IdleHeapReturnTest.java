package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.http.InFlightRequests;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdleHeapReturnTest {

    private static final Duration QUIET = Duration.ofMillis(40);
    private static final long MB = 1 << 20;

    /** A heap that shrinks by {@code step} at each collection and says when its size was checked. */
    private static final class FakeHeap implements IdleHeapReturn.Heap {
        final AtomicLong committed;
        final long step;
        final AtomicInteger collections = new AtomicInteger();
        final AtomicInteger checkedCollections = new AtomicInteger(-1);
        final CountDownLatch checked = new CountDownLatch(1);
        volatile Runnable onCollect = () -> {};

        FakeHeap(long committed, long step) {
            this.committed = new AtomicLong(committed);
            this.step = step;
        }

        @Override
        public long committed() {
            return committed.get();
        }

        @Override
        public void checked(int collections) {
            checkedCollections.set(collections);
            checked.countDown();
        }

        @Override
        public long initial() {
            return 96 * MB;
        }

        @Override
        public void collect() {
            collections.incrementAndGet();
            committed.addAndGet(-step);
            onCollect.run();
        }
    }

    private static void serveOne(InFlightRequests calls) {
        assertThat(calls.enter()).isTrue();
        calls.exit();
    }

    /** Waits for the check after the quiet spell; returns how many collections it ran (and says they ran). */
    private static int collectionsOfTheCheck(FakeHeap heap) throws InterruptedException {
        assertThat(heap.checked.await(10, TimeUnit.SECONDS)).as("the heap was checked after a quiet spell").isTrue();
        assertThat(heap.collections.get()).isEqualTo(heap.checkedCollections.get());
        return heap.checkedCollections.get();
    }

    /**
     * A grown heap is collected until it is back to its 96 MB start (200 → 160 → 120 → 80 MB: three),
     * at most {@link IdleHeapReturn#COLLECTIONS} times when it does not shrink, and not at all when it
     * never grew.
     */
    @ParameterizedTest(name = "{0} MB shrinking by {1} MB: {2} collections")
    @CsvSource({"200, 40, 3", "200, 0, " + IdleHeapReturn.COLLECTIONS, "96, 40, 0"})
    void aQuietSpellCollectsWhatTheHeapGrew(long committedMb, long stepMb, int collections) throws Exception {
        InFlightRequests calls = new InFlightRequests();
        FakeHeap heap = new FakeHeap(committedMb * MB, stepMb * MB);
        try (IdleHeapReturn ignored = IdleHeapReturn.start(calls, heap, QUIET)) {
            serveOne(calls);
            assertThat(collectionsOfTheCheck(heap)).isEqualTo(collections);
        }
    }

    @Test
    void aCallArrivingStopsTheCollections() throws Exception {
        InFlightRequests calls = new InFlightRequests();
        FakeHeap heap = new FakeHeap(400 * MB, 10 * MB);
        heap.onCollect = () -> assertThat(calls.enter()).isTrue(); // a call comes in during the first one
        try (IdleHeapReturn ignored = IdleHeapReturn.start(calls, heap, QUIET)) {
            serveOne(calls);
            assertThat(collectionsOfTheCheck(heap)).isEqualTo(1);
        }
    }

    @Test
    void nothingIsCheckedBeforeTheFirstCall() throws Exception {
        InFlightRequests calls = new InFlightRequests();
        FakeHeap heap = new FakeHeap(200 * MB, 40 * MB);
        try (IdleHeapReturn ignored = IdleHeapReturn.start(calls, heap, QUIET)) {
            // Several quiet spells pass without a call: the daemon just started, nothing grew.
            assertThat(heap.checked.await(QUIET.toMillis() * 5, TimeUnit.MILLISECONDS)).isFalse();
            serveOne(calls);
            assertThat(collectionsOfTheCheck(heap)).isEqualTo(3);
        }
    }
}
