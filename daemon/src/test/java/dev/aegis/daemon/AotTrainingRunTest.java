package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AotTrainingRunTest {

    @Test
    void aJvmRecordingACacheIsATrainingRun() {
        assertThat(AotTrainingRun.recording(List.of("-XX:+UseSerialGC", "-XX:AOTCacheOutput=/opt/aegis/aot/daemon.aot")))
                .isTrue();
        assertThat(AotTrainingRun.recording(List.of("-XX:AOTCache=/opt/aegis/aot/daemon.aot", "-Xmn64m"))).isFalse();
        assertThat(AotTrainingRun.recording()).as("this test JVM records no cache").isFalse();
    }

    /** The training daemon's stop waits for warm-ups still running, so their classes reach the cache. */
    @Test
    void aTrainingRunWaitsForTheWarmUpsToFinish() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Void> warmUps = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                waiting.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            warmUps.complete(null);
        });
        waiting.countDown();
        assertThat(AotTrainingRun.awaitWarmUps(warmUps, true, Duration.ofSeconds(10))).isTrue();
        assertThat(warmUps).isDone();
    }

    @Test
    void anOrdinaryStopDoesNotWait() {
        CompletableFuture<Void> never = new CompletableFuture<>();
        long t0 = System.nanoTime();
        assertThat(AotTrainingRun.awaitWarmUps(never, false, Duration.ofSeconds(10))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aStuckWarmUpHoldsTheTrainingOnlyUpToTheLimit() {
        CompletableFuture<Void> never = new CompletableFuture<>();
        assertThat(AotTrainingRun.awaitWarmUps(never, true, Duration.ofMillis(50))).isFalse();
    }
}
