package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider is down or slow: the client gets the SPEC's 502 / 504 in its own API's shape. */
class UpstreamFailureIT {

    @TempDir
    Path temp;

    @Test
    void unreachableProviderIs502() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (TestGateway g = TestGateway.start(temp, null,
                Map.of("AEGIS_OPENAI_BASE_URL", "http://127.0.0.1:" + closedPort + "/v1"))) {
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));

            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("upstream_unavailable");
            assertThat(r.body()).doesNotContain(TestGateway.PROVIDER_KEY);
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
}
