package dev.aegis.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WatchdogsTest {

    private final Watchdogs watchdogs = new Watchdogs("test-watchdogs", Duration.ofMillis(100));

    @Test
    void aSilentTargetIsClosedOnceItsLimitHasPassed() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        long start = System.nanoTime();
        Watch w = watchdogs.watch(Duration.ofMillis(100), closed::countDown);
        assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(w.fired()).isTrue();
        assertThat(watchdogs.size()).isZero();
    }

    @Test
    void activityKeepsATargetOpenAndSilenceThenClosesIt() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        Watch w = watchdogs.watch(Duration.ofMillis(150), closed::countDown);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
        while (System.nanoTime() < until) {
            w.activity();
            assertThat(closed.await(20, TimeUnit.MILLISECONDS)).as("closed while active").isFalse();
        }
        assertThat(w.fired()).isFalse();
        assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(w.fired()).isTrue();
    }

    @Test
    void aClosedWatchNeverFires() throws Exception {
        AtomicInteger closes = new AtomicInteger();
        Watch early = watchdogs.watch(Duration.ofMillis(50), closes::incrementAndGet);
        early.close();
        CountDownLatch later = new CountDownLatch(1);
        watchdogs.watch(Duration.ofMillis(100), later::countDown);
        // Once the later watch (twice the limit) has fired, the earlier one would long have too.
        assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(closes).hasValue(0);
        assertThat(early.fired()).isFalse();
    }

    @Test
    void manyWatchesEachFireOnceAndLeaveNothingBehind() throws Exception {
        int n = 1_000;
        CountDownLatch closed = new CountDownLatch(n);
        AtomicInteger closes = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            watchdogs.watch(Duration.ofMillis(50 + i % 50), () -> {
                closes.incrementAndGet();
                closed.countDown();
            });
        }
        assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(closes).hasValue(n);
        assertThat(watchdogs.size()).isZero();
    }

    @Test
    void aSweeperThatWentDormantWakesForTheNextWatch() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        watchdogs.watch(Duration.ofMillis(20), first::countDown);
        assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!watchdogs.dormant() && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        assertThat(watchdogs.dormant()).as("dormant with nothing to watch").isTrue();
        CountDownLatch second = new CountDownLatch(1);
        watchdogs.watch(Duration.ofMillis(20), second::countDown);
        assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theSweeperLooksAFewTimesPerLimitAndDoesNotSpin() throws Exception {
        assertThat(Watchdogs.SHARED.periodNanos()).isBetween(10_000_000L, 250_000_000L);
        try (Watch w = watchdogs.watch(Duration.ofSeconds(60), () -> {})) {
            long before = watchdogs.sweeps();
            Thread.sleep(600); // the time being measured, not a wait for another thread
            assertThat(watchdogs.sweeps() - before).isBetween(1L, 5L);
            assertThat(w.fired()).isFalse();
        }
    }

    @Test
    void readsThroughAWatchedInputKeepItOpenAndSilenceClosesIt() throws Exception {
        java.io.PipedOutputStream provider = new java.io.PipedOutputStream();
        java.io.PipedInputStream answer = new java.io.PipedInputStream(provider);
        try (WatchedInput in = watchdogs.watchReads(Duration.ofMillis(150), answer)) {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
            while (System.nanoTime() < until) {
                provider.write('x');
                provider.flush();
                assertThat(in.read()).isEqualTo('x');
                Thread.sleep(20); // the provider's pace, well inside the limit
            }
            assertThat(in.fired()).as("cut while bytes kept coming").isFalse();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!in.fired() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(in.fired()).isTrue();
        }
        assertThat(watchdogs.size()).isZero();
    }
}
