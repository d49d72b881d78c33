package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients that read slowly or hold connections open without a request. */
class ClientFaultIT {

    @TempDir
    Path temp;

    @Test
    void aSlowReaderHoldsTheProviderBackInsteadOfAegisBufferingTheStream() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            int repeats = 40_000; // 200,000 text events, about 50 MB of SSE
            g.fake.repeatText(repeats);
            HttpResponse<InputStream> r = Http.open(g.post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"stream\":true}"));
            try (InputStream in = r.body()) {
                // The client reads nothing: the provider's writes must stall once the socket buffers are full.
                long stalledAt = awaitStall(g);
                long total = repeats * 5L + 4; // role chunk, text chunks, finish chunk, usage chunk, [DONE]
                assertThat(stalledAt).as("the provider was held back, not drained into Aegis's memory")
                        .isLessThan(total / 2);

                long bytes = in.transferTo(java.io.OutputStream.nullOutputStream());
                assertThat(bytes).isGreaterThan(40_000_000L);
            }
            UsageRowView row = g.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow());
            assertThat(row.complete()).isTrue();
        }
    }

    /** Polls the provider's progress until it stops moving for half a second; returns where it stopped. */
    private static long awaitStall(TestGateway g) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        long last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = g.fake.eventsWritten();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (now > 0 && System.nanoTime() - stableSince > Duration.ofMillis(500).toNanos()) {
                return now;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the provider never stalled (" + last + " events written)");
    }

    @Test
    void manyIdleConnectionsDoNotStopCallsBeingServed() throws Exception {
        try (TestGateway g = TestGateway.start(temp, null, Map.of())) {
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 300; i++) {
                    idle.add(new Socket(InetAddress.getLoopbackAddress(), g.state().port()));
                }
                long start = System.nanoTime();
                HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
        }
    }
}
