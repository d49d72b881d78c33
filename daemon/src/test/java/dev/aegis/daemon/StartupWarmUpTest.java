package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StartupWarmUpTest {

    private static final Duration POLL = Duration.ofMillis(2);

    /**
     * The running daemon's warm-ups (TLS, the receipt signer) are CPU-bound for a few hundred ms of
     * a cold start: on virtual threads they held the carriers that run the calls (one per core), and
     * the first calls after a start waited for them (docs/STARTUP.md: 871 -> 747 ms to the first call).
     */
    @Test
    void warmUpsRunOnAPlatformThreadOfTheirOwnOneAfterTheOther() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        AtomicReference<Thread> ranOn = new AtomicReference<>();

        StartupWarmUp.afterStart(new StartupWarmUp.Pace(Duration.ZERO, Duration.ZERO, POLL), () -> 0, () -> false,
                List.of(() -> {
                    ranOn.set(Thread.currentThread());
                    ran.add("tls");
                }, () -> ran.add("signer"))).get(10, TimeUnit.SECONDS);

        assertThat(ran).containsExactly("tls", "signer");
        assertThat(ranOn.get().isVirtual()).isFalse();
        assertThat(ranOn.get().isDaemon()).isTrue();
        assertThat(ranOn.get().getName()).isEqualTo("aegis-warm-up");
    }

    /** Begun at once, they took the CPU from a call made right after the start (first call 60–75 ms later). */
    @Test
    void warmUpsWaitThePacesTimeAfterTheStart() throws Exception {
        long called = System.nanoTime();
        AtomicLong began = new AtomicLong();

        StartupWarmUp.afterStart(new StartupWarmUp.Pace(Duration.ofMillis(300), Duration.ZERO, POLL), () -> 0, () -> false,
                List.of(() -> began.set(System.nanoTime()))).get(10, TimeUnit.SECONDS);

        assertThat(began.get() - called).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
    }

    @Test
    void warmUpsWaitForAMomentWithNoCallAtWork() throws Exception {
        AtomicInteger atWork = new AtomicInteger(1);
        CountDownLatch lookedWhileBusy = new CountDownLatch(5);
        AtomicBoolean ran = new AtomicBoolean();

        var done = StartupWarmUp.afterStart(new StartupWarmUp.Pace(Duration.ZERO, Duration.ofMinutes(5), POLL), () -> {
            lookedWhileBusy.countDown();
            return atWork.get();
        }, () -> false, List.of(() -> ran.set(true)));

        assertThat(lookedWhileBusy.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).as("begun while a call was at work").isFalse();
        atWork.set(0);
        done.get(10, TimeUnit.SECONDS);
        assertThat(ran).isTrue();
    }

    @Test
    void underLoadWarmUpsBeginAtTheLatestAfterAtMost() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();

        StartupWarmUp.afterStart(new StartupWarmUp.Pace(Duration.ZERO, Duration.ofMillis(50), POLL), () -> 64, () -> false,
                List.of(() -> ran.set(true))).get(10, TimeUnit.SECONDS);

        assertThat(ran).isTrue();
    }

    /** A daemon stopped before its warm-ups began does not begin them after its stop. */
    @Test
    void aStoppedDaemonLeavesOutTheWarmUpsNotYetBegun() throws Exception {
        AtomicBoolean stopped = new AtomicBoolean();
        List<String> ran = new CopyOnWriteArrayList<>();

        StartupWarmUp.afterStart(new StartupWarmUp.Pace(Duration.ZERO, Duration.ZERO, POLL), () -> 0, stopped::get,
                List.of(() -> {
                    ran.add("tls");
                    stopped.set(true);
                }, () -> ran.add("signer"))).get(10, TimeUnit.SECONDS);
        StartupWarmUp.afterStart(new StartupWarmUp.Pace(Duration.ZERO, Duration.ZERO, POLL), () -> 0, () -> true,
                List.of(() -> ran.add("after the stop"))).get(10, TimeUnit.SECONDS);

        assertThat(ran).containsExactly("tls");
    }
}
