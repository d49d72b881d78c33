package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.fakeprovider.FakeProvider.CannedResponse;
import dev.aegis.keys.NewKey;
import dev.aegis.testing.RefusedPort;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider is down, resets, fails, stalls or trickles: the client gets the SPEC's answer in its
 * own API's shape, and nothing is left behind (in-flight gauge, credit reservations).
 */
class UpstreamFailureIT {

    private static final String FAST_RETRY = "retry: { attempts: 3, base_delay: 10ms, max_delay: 20ms }\n";

    @TempDir
    Path temp;

    @Test
    void unreachableProviderIs502() throws Exception {
        try (RefusedPort refused = RefusedPort.open()) {
            int closedPort = refused.port();
            try (TestGateway g = TestGateway.start(temp, null,
                    Map.of("AEGIS_OPENAI_BASE_URL", "http://127.0.0.1:" + closedPort + "/v1"))) {
                HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));

                assertThat(r.statusCode()).isEqualTo(502);
                assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("upstream_unavailable");
                assertThat(r.body()).doesNotContain(TestGateway.PROVIDER_KEY);
            }
        }
    }

    @Test
    void providerSlowerThanFirstByteTimeoutIs504() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "timeouts: { first_byte: 300ms }", Map.of())) {
            g.fake.headerDelay(Duration.ofSeconds(3));
            HttpResponse<String> r = Http.send(g.post("/v1/messages", "{\"model\":\"gpt-4o-mini\"}"));

            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(Http.json(r.body()).at("/error/type").asText()).isEqualTo("timeout_error");
            assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("upstream_timeout");
        }
    }

    @Test
    void aProviderSilentLongerThanTheIdleTimeoutIsCutAndRecordedIncomplete() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "timeouts: { idle: 300ms }", Map.of())) {
            g.fake.eventDelay(Duration.ofSeconds(5));
            long start = System.nanoTime();
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"stream\":true}"));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
            assertThat(r.body()).startsWith("data: ").doesNotContain("[DONE]");
            UsageRowView row = g.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow());
            assertThat(row.streamed()).isTrue();
            assertThat(row.complete()).isFalse();
        }
    }

    @Test
    void aProviderThatResetsBeforeAnsweringIsRetriedThen502() throws Exception {
        try (ServerSocket resetting = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger accepted = new AtomicInteger();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (!resetting.isClosed()) {
                    try (Socket s = resetting.accept()) {
                        accepted.incrementAndGet();
                        s.setSoLinger(true, 0); // close with RST, before any byte of an answer
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            try (TestGateway g = TestGateway.start(temp, FAST_RETRY,
                    Map.of("AEGIS_OPENAI_BASE_URL", "http://127.0.0.1:" + resetting.getLocalPort() + "/v1"))) {
                HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));

                assertThat(r.statusCode()).isEqualTo(502);
                assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("upstream_unavailable");
                assertThat(accepted.get()).as("each attempt reached the provider").isGreaterThanOrEqualTo(3);
                assertThat(g.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow()).status()).isEqualTo(502);
                assertNothingLeftBehind(g);
            } finally {
                resetting.close();
                acceptor.join();
            }
        }
    }

    @Test
    void aStormOf500sIsRetriedThenPassedThroughAndNothingIsLeftBehind() throws Exception {
        try (TestGateway g = TestGateway.start(temp, FAST_RETRY, Map.of())) {
            String creditKey = g.mintKey(new NewKey("credits", "default", false, List.of(), null, null, null,
                    new BigDecimal("5")));
            for (int i = 0; i < 3; i++) {
                g.fake.enqueue(new CannedResponse(500, "application/json",
                        "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}", Map.of()));
            }
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}")
                    .setHeader("Authorization", "Bearer " + creditKey));

            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(Http.json(r.body()).at("/error/message").asText()).isEqualTo("boom");
            assertThat(g.fake.requests()).hasSize(3);
            assertThat(g.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow()).status()).isEqualTo(500);

            // A stream cut mid-way with the same key: its reservation is settled too.
            g.fake.cutStreamsAfter(2);
            Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"stream\":true}")
                    .setHeader("Authorization", "Bearer " + creditKey));
            assertNothingLeftBehind(g);
        }
    }

    @Test
    void aSlowTrickleWithinTheIdleTimeoutIsServedWhole() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "timeouts: { idle: 2s }", Map.of())) {
            g.fake.eventDelay(Duration.ofMillis(150));
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"stream\":true}"));

            assertThat(r.body()).contains("provider.").endsWith("data: [DONE]\n\n");
            UsageRowView row = g.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow());
            assertThat(row.complete()).isTrue();
            assertThat(row.output()).isEqualTo(5);
        }
    }

    @Test
    void aWholeAnswerThatStallsHalfWayIsCutAfterTheIdleTimeoutAnd502() throws Exception {
        try (ServerSocket stalling = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            Thread provider = Thread.ofVirtual().start(() -> {
                try (Socket s = stalling.accept()) {
                    new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream())).readLine();
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                            + "content-length: 400\r\n\r\n{\"id\":\"chatcmpl-1\",").getBytes());
                    s.getOutputStream().flush();
                    release.await(); // the rest of the body never comes
                } catch (IOException | InterruptedException e) {
                    // the gateway closed the connection: expected
                }
            });
            try (TestGateway g = TestGateway.start(temp, "timeouts: { idle: 300ms }\nretry: { attempts: 1 }\n",
                    Map.of("AEGIS_OPENAI_BASE_URL", "http://127.0.0.1:" + stalling.getLocalPort() + "/v1"))) {
                long start = System.nanoTime();
                HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));

                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
                assertThat(r.statusCode()).isEqualTo(502);
                assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("upstream_unavailable");
                assertThat(g.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow()).status()).isEqualTo(502);
                assertNothingLeftBehind(g);
            } finally {
                release.countDown();
                stalling.close();
                provider.join();
            }
        }
    }

    /** No call in flight and no credit reservation left, once every answer is in. */
    private static void assertNothingLeftBehind(TestGateway g) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long inFlight;
        long reservations;
        do {
            inFlight = Http.json(Http.get(g.url() + "/healthz", "application/json").body()).path("in_flight").asLong();
            reservations = g.db.read(c -> {
                try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM credit_reservations")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            if (inFlight == 0 && reservations == 0) {
                return;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(inFlight + " calls still in flight, " + reservations + " reservations left");
    }
}
