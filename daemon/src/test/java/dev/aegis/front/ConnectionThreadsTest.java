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

    private void callsAtWork(int n) {
        for (int i = 0; i < n; i++) {
            atWork.enter();
        }
    }

    /**
     * A boundary on a virtual thread: whether the connection moved, and if it did, whether it went on on
     * a virtual thread (null when it stayed).
     */
    private static Boolean boundaryOnAVirtualThread(ConnectionThreads t, boolean requestWaiting) throws Exception {
        CompletableFuture<Boolean> wentOnVirtual = new CompletableFuture<>();
        CompletableFuture<Boolean> moved = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> moved.complete(
                t.moved(() -> wentOnVirtual.complete(Thread.currentThread().isVirtual()), requestWaiting)));
        return moved.get(10, TimeUnit.SECONDS) ? wentOnVirtual.get(10, TimeUnit.SECONDS) : null;
    }

    @Test
    void aNewConnectionStartsOnAVirtualThreadEvenWhenTheDaemonIsQuiet() throws Exception {
        CompletableFuture<Boolean> virtual = new CompletableFuture<>();
        threads(2).start(() -> virtual.complete(Thread.currentThread().isVirtual()));
        assertThat(virtual.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aVirtualConnectionMovesToAPlatformThreadOnlyWhenAloneCalmAndNoRequestWaits() throws Exception {
        ConnectionThreads t = threads(2);
        callsAtWork(2);
        assertThat(boundaryOnAVirtualThread(t, false)).as("under load").isNull();
        atWork.exit();
        atWork.exit();
        assertThat(boundaryOnAVirtualThread(t, false)).as("load seen less than a second ago").isNull();

        now.addAndGet(ConnectionThreads.CALM_NANOS + 1);
        callsAtWork(1);
        assertThat(boundaryOnAVirtualThread(t, false)).as("another call at work").isNull();
        atWork.exit();
        assertThat(boundaryOnAVirtualThread(t, true)).as("its next request is already here").isNull();
        assertThat(boundaryOnAVirtualThread(t, false)).as("alone and calm: goes on on a platform thread").isFalse();
    }

    @Test
    void withNoPlatformThreadsNothingMoves() throws Exception {
        assertThat(boundaryOnAVirtualThread(threads(0), false)).isNull();
    }

    @Test
    void whenEveryPlatformThreadIsBusyAConnectionStaysOnItsVirtualThread() throws Exception {
        ConnectionThreads t = threads(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> t.moved(() -> {
            holding.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, false));
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            assertThat(boundaryOnAVirtualThread(t, false)).isNull();
        } finally {
            release.countDown();
        }
    }

    @Test
    void aPlatformConnectionMovesToAVirtualThreadAtABoundaryUnderLoadAndNotWhileQuiet() throws Exception {
        ConnectionThreads t = threads(2);
        CompletableFuture<Boolean> stayed = new CompletableFuture<>();
        CompletableFuture<Boolean> movedTo = new CompletableFuture<>();
        CompletableFuture<Boolean> movedUnderLoad = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> t.moved(() -> { // now on a platform thread
            stayed.complete(!Thread.currentThread().isVirtual() && !t.moved(() -> { }, false));
            callsAtWork(2); // other connections' calls came meanwhile
            movedUnderLoad.complete(t.moved(() -> movedTo.complete(Thread.currentThread().isVirtual()), false));
        }, false));
        assertThat(stayed.get(10, TimeUnit.SECONDS)).as("quiet: stays on its platform thread").isTrue();
        assertThat(movedUnderLoad.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(movedTo.get(10, TimeUnit.SECONDS)).as("goes on on a virtual thread").isTrue();
    }
}
