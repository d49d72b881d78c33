package dev.aegis.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.http.CallsAtWork;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionThreadsTest {

    private final CallsAtWork atWork = new CallsAtWork();
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private ConnectionThreads threads;

    @AfterEach
    void stop() {
        if (threads != null) {
            threads.stop();
        }
    }

    private ConnectionThreads threads(int platformMax) {
        threads = new ConnectionThreads(atWork, platformMax, now::get);
        return threads;
    }

    /** Where a connection started by {@code start} runs: true for a virtual thread. */
    private static boolean ranVirtual(java.util.function.Consumer<Runnable> start) throws Exception {
        CompletableFuture<Boolean> virtual = new CompletableFuture<>();
        start.accept(() -> virtual.complete(Thread.currentThread().isVirtual()));
        return virtual.get(10, TimeUnit.SECONDS);
    }

    private void callsAtWork(int n) {
        for (int i = 0; i < n; i++) {
            atWork.enter();
        }
    }

    @Test
    void aConnectionAcceptedWhileTheDaemonIsQuietRunsOnAPlatformThread() throws Exception {
        ConnectionThreads t = threads(2);
        assertThat(ranVirtual(t::start)).isFalse();
        callsAtWork(1);
        assertThat(ranVirtual(t::start)).as("one call at work, one platform thread left").isFalse();
    }

    @Test
    void underLoadAndForALittleWhileAfterItConnectionsRunOnVirtualThreads() throws Exception {
        ConnectionThreads t = threads(2);
        callsAtWork(2);
        assertThat(ranVirtual(t::start)).isTrue();
        atWork.exit();
        atWork.exit();
        assertThat(ranVirtual(t::start)).as("the load was just seen").isTrue();
        now.addAndGet(ConnectionThreads.CALM_NANOS + 1);
        assertThat(ranVirtual(t::start)).as("calm for long enough").isFalse();
    }

    @Test
    void withNoPlatformThreadsEveryConnectionIsVirtual() throws Exception {
        ConnectionThreads t = threads(0);
        assertThat(ranVirtual(t::start)).isTrue();
    }

    @Test
    void whenEveryPlatformThreadIsBusyTheNextConnectionIsVirtual() throws Exception {
        ConnectionThreads t = threads(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        t.start(() -> {
            holding.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            assertThat(ranVirtual(t::start)).isTrue();
        } finally {
            release.countDown();
        }
    }

    @Test
    void aPlatformConnectionMovesToAVirtualThreadAtABoundaryUnderLoadAndNotWhileQuiet() throws Exception {
        ConnectionThreads t = threads(2);
        CompletableFuture<Boolean> stayed = new CompletableFuture<>();
        t.start(() -> stayed.complete(!t.moved(() -> { }, false)));
        assertThat(stayed.get(10, TimeUnit.SECONDS)).as("quiet: stays").isTrue();

        CompletableFuture<Boolean> movedTo = new CompletableFuture<>();
        CompletableFuture<Boolean> moved = new CompletableFuture<>();
        t.start(() -> {
            callsAtWork(2); // other connections' calls came meanwhile
            moved.complete(t.moved(() -> movedTo.complete(Thread.currentThread().isVirtual()), false));
        });
        assertThat(moved.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(movedTo.get(10, TimeUnit.SECONDS)).as("goes on on a virtual thread").isTrue();
    }

    @Test
    void aVirtualConnectionMovesToAPlatformThreadOnlyWhenAloneCalmAndNoRequestWaits() throws Exception {
        ConnectionThreads t = threads(2);
        callsAtWork(2);
        CompletableFuture<Boolean> underLoad = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> underLoad.complete(t.moved(() -> { }, false)));
        assertThat(underLoad.get(10, TimeUnit.SECONDS)).isFalse();
        atWork.exit();
        atWork.exit();

        CompletableFuture<Boolean> justAfter = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> justAfter.complete(t.moved(() -> { }, false)));
        assertThat(justAfter.get(10, TimeUnit.SECONDS)).as("load seen less than a second ago").isFalse();

        now.addAndGet(ConnectionThreads.CALM_NANOS + 1);
        callsAtWork(1);
        CompletableFuture<Boolean> notAlone = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> notAlone.complete(t.moved(() -> { }, false)));
        assertThat(notAlone.get(10, TimeUnit.SECONDS)).as("another call at work").isFalse();
        atWork.exit();

        CompletableFuture<Boolean> waiting = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> waiting.complete(t.moved(() -> { }, true)));
        assertThat(waiting.get(10, TimeUnit.SECONDS)).as("its next request is already here").isFalse();

        CompletableFuture<Boolean> movedTo = new CompletableFuture<>();
        CompletableFuture<Boolean> moved = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> moved.complete(t.moved(() -> movedTo.complete(Thread.currentThread().isVirtual()), false)));
        assertThat(moved.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(movedTo.get(10, TimeUnit.SECONDS)).as("goes on on a platform thread").isFalse();
    }
}
