package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics after known calls: counters, histograms, and no secret in any label. */
class MetricsIT {

    @TempDir
    Path temp;

    private static double value(String scrape, String seriesRegex) {
        Matcher m = Pattern.compile("(?m)^" + seriesRegex + " ([0-9.E+-]+)$").matcher(scrape);
        if (!m.find()) {
            throw new AssertionError("no series " + seriesRegex + " in:\n" + scrape);
        }
        return Double.parseDouble(m.group(1));
    }

    @Test
    void countersAndHistogramsAfterKnownCalls() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            String last = null;
            for (int i = 0; i < 2; i++) {
                last = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"))
                        .headers().firstValue("X-Request-Id").orElseThrow();
            }
            String streamed = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"stream\":true}"))
                    .headers().firstValue("X-Request-Id").orElseThrow();
            String bad = Http.send(g.post("/v1/chat/completions", "{oops")).headers().firstValue("X-Request-Id").orElseThrow();
            for (String id : new String[] {last, streamed, bad}) {
                g.awaitUsage(id);
            }

            HttpResponse<String> r = Http.get(g.url() + "/metrics", "text/plain");
            assertThat(r.statusCode()).isEqualTo(200);
            String s = r.body();
            assertThat(value(s, "aegis_requests_total\\{model=\"gpt-4o-mini\",provider=\"openai\",route=\"/v1/chat/completions\","
                    + "status=\"200\",streamed=\"false\"\\}")).isEqualTo(2);
            assertThat(value(s, "aegis_requests_total\\{model=\"gpt-4o-mini\",provider=\"openai\",route=\"/v1/chat/completions\","
                    + "status=\"200\",streamed=\"true\"\\}")).isEqualTo(1);
            assertThat(value(s, "aegis_refusals_total\\{reason=\"invalid_request\"\\}")).isEqualTo(1);
            assertThat(value(s, "aegis_tokens_total\\{kind=\"input\",model=\"gpt-4o-mini\"\\}")).isEqualTo(63);
            assertThat(value(s, "aegis_tokens_total\\{kind=\"cached_input\",model=\"gpt-4o-mini\"\\}")).isEqualTo(15);
            assertThat(value(s, "aegis_cost_usd_total\\{model=\"gpt-4o-mini\"\\}")).isCloseTo(3 * 0.000005775,
                    org.assertj.core.data.Offset.offset(1e-12));
            assertThat(value(s, "aegis_request_duration_seconds_count\\{route=\"/v1/chat/completions\"\\}")).isEqualTo(4);
            assertThat(s).contains("aegis_request_duration_seconds_bucket{route=\"/v1/chat/completions\",le=\"");
            assertThat(value(s, "aegis_overhead_seconds_count")).isEqualTo(3);
            assertThat(s).contains("aegis_requests_in_flight").contains("jvm_memory_used_bytes");
            assertThat(s).containsPattern("(?m)^jvm_gc_pause_seconds_count\\{gc=\"[^\"]+\"} ");
            assertThat(s).doesNotContain(g.clientKey).doesNotContain(TestGateway.PROVIDER_KEY);
        }
    }

    @Test
    void retriesKeyCacheAndUpstreamTime() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "retry: { attempts: 2, base_delay: 10ms }", java.util.Map.of())) {
            g.fake.enqueue(new dev.aegis.fakeprovider.FakeProvider.CannedResponse(429, "application/json", "{}",
                    java.util.Map.of("retry-after-ms", "10")));
            String id = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"))
                    .headers().firstValue("X-Request-Id").orElseThrow();
            Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));
            g.awaitUsage(id);

            String s = Http.get(g.url() + "/metrics", "text/plain").body();
            assertThat(value(s, "aegis_retries_total\\{provider=\"openai\"\\}")).isEqualTo(1);
            assertThat(value(s, "cache_gets_total\\{cache=\"aegis.keys\",result=\"hit\"\\}")).isGreaterThanOrEqualTo(1);
            assertThat(value(s, "aegis_upstream_duration_seconds_count\\{provider=\"openai\"\\}")).isGreaterThanOrEqualTo(1);
        }
    }
}
