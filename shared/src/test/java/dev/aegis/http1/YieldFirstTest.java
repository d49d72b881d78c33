package dev.aegis.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Letting the other calls run before a read: only a virtual thread, and only when others are at work. */
class YieldFirstTest {

    @Test
    void aPlatformThreadNeverYields() {
        assertThat(YieldFirst.beforeRead(true)).as("the kernel runs the others and wakes it directly").isFalse();
        assertThat(YieldFirst.beforeRead(false)).isFalse();
    }

    @Test
    void aVirtualThreadYieldsOnlyWhenOthersAreAtWork() throws Exception {
        CompletableFuture<Boolean> alone = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> alone.complete(YieldFirst.beforeRead(false)));
        assertThat(alone.get(10, TimeUnit.SECONDS)).as("nothing else to run").isFalse();
        CompletableFuture<Boolean> beside = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> beside.complete(YieldFirst.beforeRead(true)));
        assertThat(beside.get(10, TimeUnit.SECONDS)).as("other calls at work").isTrue();
    }
}
