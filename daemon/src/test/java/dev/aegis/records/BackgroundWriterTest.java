package dev.aegis.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackgroundWriterTest {

    private final List<List<String>> batches = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstBatch = new CountDownLatch(1);

    private void sink(List<String> batch) {
        batches.add(List.copyOf(batch));
        firstBatch.countDown();
    }

    @Test
    void recordsArrivingWhileTheFirstLingersAreWrittenInOneBatch() throws Exception {
        try (BackgroundWriter<String> writer = new BackgroundWriter<>("test", this::sink, Duration.ofSeconds(5))) {
            writer.submit("a");
            Thread.sleep(100); // the stimulus: a second record a moment after the first, not a wait for the writer
            writer.submit("b");
            assertThat(firstBatch.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(batches.get(0)).containsExactly("a", "b");
        }
    }

    @Test
    void aFullBatchIsWrittenWithoutWaitingOutTheLinger() throws Exception {
        try (BackgroundWriter<String> writer = new BackgroundWriter<>("test", this::sink, Duration.ofMinutes(5))) {
            for (int i = 0; i < BackgroundWriter.FULL_BATCH; i++) {
                writer.submit("r" + i);
            }
            // Without the batch bound the writer lingers the whole five minutes.
            assertThat(firstBatch.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(batches.stream().mapToInt(List::size).sum()).isGreaterThanOrEqualTo(BackgroundWriter.FULL_BATCH - 1);
        }
    }

    @Test
    void aBatchShortOfFullStillLingers() throws Exception {
        try (BackgroundWriter<String> writer = new BackgroundWriter<>("test", this::sink, Duration.ofMinutes(5))) {
            for (int i = 0; i < BackgroundWriter.FULL_BATCH - 2; i++) {
                writer.submit("r" + i);
            }
            assertThat(firstBatch.await(300, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(writer.flush(Duration.ofSeconds(20))).isTrue();
            assertThat(batches).hasSize(1);
            assertThat(batches.get(0)).hasSize(BackgroundWriter.FULL_BATCH - 2);
        }
    }

    @Test
    void aWholeBatchHandedOverIsWrittenWithoutLingering() throws Exception {
        try (BackgroundWriter<String> writer = new BackgroundWriter<>("test", this::sink, Duration.ofMinutes(5))) {
            writer.submitAll(List.of("a", "b", "c"));
            // Without the hand-over the writer lingers the whole five minutes for more.
            assertThat(firstBatch.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(batches.stream().flatMap(List::stream)).containsExactly("a", "b", "c");
        }
    }

    @Test
    void aFlushDoesNotWaitForTheLinger() throws Exception {
        try (BackgroundWriter<String> writer = new BackgroundWriter<>("test", this::sink, Duration.ofMinutes(5))) {
            writer.submit("a");
            assertThat(writer.flush(Duration.ofSeconds(20))).isTrue();
            assertThat(batches).containsExactly(List.of("a"));
            assertThat(writer.backlog()).isZero();
        }
    }

    @Test
    void closeWritesWhatLingersWithoutWaitingForIt() {
        BackgroundWriter<String> writer = new BackgroundWriter<>("test", this::sink, Duration.ofMinutes(5));
        writer.submit("a");
        writer.submit("b");
        long started = System.nanoTime();
        writer.close(Duration.ofSeconds(20));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(batches.stream().flatMap(List::stream)).containsExactly("a", "b");
    }

    @Test
    void aFailingSinkKeepsItsBatchAndWritesEveryRecordOnce() throws Exception {
        AtomicInteger failuresLeft = new AtomicInteger(2);
        List<String> written = new ArrayList<>();
        try (BackgroundWriter<String> writer = new BackgroundWriter<>("test", batch -> {
            if (failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("database is locked");
            }
            synchronized (written) {
                written.addAll(batch);
            }
        }, Duration.ofMillis(1))) {
            for (int i = 0; i < 50; i++) {
                writer.submit("r" + i);
            }
            assertThat(writer.flush(Duration.ofSeconds(30))).isTrue();
            assertThat(writer.failing()).isFalse();
        }
        synchronized (written) {
            assertThat(written).hasSize(50).doesNotHaveDuplicates();
        }
    }

    /** A write held up (a database locked by another process) is stalled after a while, before it fails. */
    @Test
    void aWriteHeldUpIsStalledBeforeItFails() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BackgroundWriter<String> w = new BackgroundWriter<>("test", batch -> {
            writing.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            w.submit("a");
            assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(w.stalled()).as("just begun").isFalse();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!w.stalled() && System.nanoTime() < deadline) {
                Thread.sleep(50); // a poll with a deadline: stalled after BackgroundWriter.STALLED
            }
            assertThat(w.stalled()).isTrue();
            assertThat(w.failing()).as("not failed: it still waits").isFalse();
            release.countDown();
            assertThat(w.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(w.stalled()).as("written").isFalse();
        } finally {
            release.countDown();
            w.close(Duration.ofSeconds(5));
        }
    }
}
