package dev.aegis.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.config.ServerConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionCapTest {

    @Test
    void theDerivedCapLeavesHalfOfWhatTheReserveLeavesForTheProviderSide() {
        assertThat(ConnectionCap.fromDescriptorLimit(20_000)).isEqualTo((20_000 - ConnectionCap.RESERVED_DESCRIPTORS) / 2);
        assertThat(ConnectionCap.fromDescriptorLimit(1_024)).isEqualTo(256);
        assertThat(ConnectionCap.fromDescriptorLimit(100)).isEqualTo(ServerConfig.MIN_MAX_CONNECTIONS);
        assertThat(ConnectionCap.fromDescriptorLimit(Long.MAX_VALUE)).isEqualTo(ServerConfig.MAX_MAX_CONNECTIONS);
        assertThat(ConnectionCap.fromDescriptorLimit(0)).isEqualTo(10_000);
    }

    @Test
    void aConfiguredCapWins() {
        assertThat(ConnectionCap.of(settings(64))).isEqualTo(64);
        assertThat(ConnectionCap.of(settings(ServerConfig.AUTO_MAX_CONNECTIONS))).isGreaterThanOrEqualTo(ServerConfig.MIN_MAX_CONNECTIONS);
    }

    @Test
    void theAcceptorWaitsAtTheCapAndGoesOnOnceOneCloses() throws Exception {
        AtomicInteger open = new AtomicInteger(4);
        ConnectionCap cap = new ConnectionCap(4, open::get);
        CountDownLatch through = new CountDownLatch(1);
        Thread acceptor = Thread.ofVirtual().start(() -> {
            try {
                cap.awaitRoom(() -> true);
                through.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(through.await(200, TimeUnit.MILLISECONDS)).as("through while at the cap").isFalse();
        open.decrementAndGet();
        assertThat(through.await(10, TimeUnit.SECONDS)).isTrue();
        acceptor.join();
    }

    @Test
    void aStoppingConnectorDoesNotWait() throws Exception {
        ConnectionCap cap = new ConnectionCap(1, () -> 5);
        cap.awaitRoom(() -> false); // returns at once
    }

    private static ServerConfig settings(int maxConnections) {
        return new ServerConfig("127.0.0.1", 0, 1024, List.of(), List.of(), 1024, Duration.ofSeconds(1), Duration.ZERO,
                Duration.ZERO, true, 0, maxConnections);
    }
}
