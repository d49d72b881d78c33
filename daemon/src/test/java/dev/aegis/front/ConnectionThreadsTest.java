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

    /** Where a connection started by {@code start} runs: true for a virtual thread. */
    private static boolean startedVirtual(ConnectionThreads t) throws Exception {
        CompletableFuture<Boolean> virtual = new CompletableFuture<>();
        t.start(() -> virtual.complete(Thread.currentThread().isVirtual()));
        return virtual.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aConnectionAcceptedWhileTheDaemonIsQuietStartsOnAPlatformThread() throws Exception {
        ConnectionThreads t = threads(2);
        assertThat(startedVirtual(t)).isFalse();
        callsAtWork(1);
        assertThat(startedVirtual(t)).as("one call at work, fewer than the platform threads").isFalse();
    }

    @Test
    void underLoadAndForASecondAfterItNewConnectionsStartOnVirtualThreads() throws Exception {
        ConnectionThreads t = threads(2);
        callsAtWork(2);
        assertThat(startedVirtual(t)).isTrue();
        atWork.exit();
        atWork.exit();
        assertThat(startedVirtual(t)).as("the load was just seen").isTrue();
        now.addAndGet(ConnectionThreads.CALM_NANOS + 1);
        assertThat(startedVirtual(t)).as("calm for long enough").isFalse();
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
    void aParkedPlatformThreadTakesTheNextConnectionInsteadOfANewOne() throws Exception {
        ConnectionThreads t = threads(2);
        CompletableFuture<Thread> first = new CompletableFuture<>();
        t.start(() -> first.complete(Thread.currentThread()));
        Thread ran = first.get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ran.getState() != Thread.State.WAITING && ran.getState() != Thread.State.TIMED_WAITING
                && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // until it is parked for the next connection
        }
        CompletableFuture<Thread> second = new CompletableFuture<>();
        t.start(() -> second.complete(Thread.currentThread()));
        assertThat(second.get(10, TimeUnit.SECONDS)).isSameAs(ran);
    }

    @Test
    void withNoPlatformThreadsEveryConnectionIsVirtualAndNothingMoves() throws Exception {
        ConnectionThreads t = threads(0);
        assertThat(startedVirtual(t)).isTrue();
        assertThat(boundaryOnAVirtualThread(t, false)).isNull();
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
            assertThat(startedVirtual(t)).as("a new connection too").isTrue();
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
