package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StartupWarmUpTest {

    /**
     * The running daemon's warm-ups (TLS, the receipt signer) are CPU-bound for a few hundred ms of
     * a cold start: on virtual threads they held the carriers that run the calls (one per core), and
     * the first calls after a start waited for them (docs/STARTUP.md: 871 -> 747 ms to the first call).
     */
    @Test
    void aWarmUpRunsOnAPlatformThreadOfItsOwnNotOnTheCallsCarriers() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();

        StartupWarmUp.inBackground("upstream-client-warm-up", () -> ranOn.set(Thread.currentThread()))
                .get(10, TimeUnit.SECONDS);

        assertThat(ranOn.get().isVirtual()).isFalse();
        assertThat(ranOn.get().getName()).isEqualTo("upstream-client-warm-up");
        assertThat(ranOn.get().isDaemon()).isTrue();
    }
}
