package dev.aegis.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DeltaWriterTest {

    @Test
    void amountsArePendingUntilWrittenSummedPerKeyAndKeptWhenAWriteFails() throws Exception {
        Map<String, Long> store = new HashMap<>();
        AtomicBoolean down = new AtomicBoolean(true);
        CountDownLatch firstAttempt = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(1);
        DeltaWriter<String> writer = new DeltaWriter<>("test", batch -> {
            firstAttempt.countDown();
            if (down.get()) {
                throw new IllegalStateException("store down");
            }
            synchronized (store) {
                batch.forEach((k, v) -> store.merge(k, v, Long::sum));
            }
            written.countDown();
        }, () -> {}, Duration.ofHours(1), ns -> {});
        try {
            writer.add("day", 10);
            assertThat(firstAttempt.await(5, TimeUnit.SECONDS)).isTrue();
            writer.add("day", 5);
            writer.add("run", 3);
            // The store is down: nothing is lost, all of it still counts here.
            assertThat(writer.pending("day")).isEqualTo(15);
            assertThat(writer.pending("run")).isEqualTo(3);
            down.set(false);
            assertThat(written.await(5, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while ((writer.pending("day") != 0 || writer.pending("run") != 0) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(writer.pending("day")).isZero();
            assertThat(writer.pending("run")).isZero();
            synchronized (store) {
                assertThat(store).containsExactlyInAnyOrderEntriesOf(Map.of("day", 15L, "run", 3L));
            }
            writer.add("day", 1);
        } finally {
            writer.close();
        }
        // A stop writes what is still pending.
        synchronized (store) {
            assertThat(store.get("day")).isEqualTo(16L);
        }
    }

    /**
     * A write's delay runs from its oldest amount's addition to its commit, across a failed attempt,
     * and the next write's from its own oldest amount: what docs/TEAM.md's bound takes as how late the
     * other daemons see this one's spending.
     */
    @Test
    void eachCommitReportsItsDelayFromItsOldestAmount() throws Exception {
        BlockingQueue<Long> delays = new LinkedBlockingQueue<>();
        CountDownLatch firstAttempt = new CountDownLatch(1);
        AtomicBoolean down = new AtomicBoolean(true);
        DeltaWriter<String> writer = new DeltaWriter<>("test", batch -> {
            firstAttempt.countDown();
            if (down.get()) {
                throw new IllegalStateException("store down");
            }
        }, () -> {}, Duration.ofHours(1), delays::add);
        try {
            long firstAdded = System.nanoTime();
            writer.add("day", 10);
            assertThat(firstAttempt.await(5, TimeUnit.SECONDS)).isTrue();
            writer.add("day", 5);
            // The store stays down a while: the amounts wait, and so does their delay.
            Thread.sleep(50);
            long up = System.nanoTime();
            down.set(false);
            Long failedThenWritten = delays.poll(5, TimeUnit.SECONDS);
            long seen = System.nanoTime();
            assertThat(failedThenWritten).as("counted from the first amount, not the retry").isNotNull()
                    .isGreaterThanOrEqualTo(up - firstAdded).isLessThanOrEqualTo(seen - firstAdded);

            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (writer.pending("day") != 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            long nextAdded = System.nanoTime();
            writer.add("run", 3);
            Long next = delays.poll(5, TimeUnit.SECONDS);
            long nextSeen = System.nanoTime();
            assertThat(next).as("from its own amount, at least the linger").isNotNull()
                    .isGreaterThanOrEqualTo(DeltaWriter.LINGER.toNanos()).isLessThanOrEqualTo(nextSeen - nextAdded);
        } finally {
            writer.close();
        }
    }
}
