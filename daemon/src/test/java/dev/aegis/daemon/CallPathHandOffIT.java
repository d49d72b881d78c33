package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.keys.NewKey;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call hands no work to the JVM's common pool: each task handed there wakes one of its threads,
 * a wake-up and a core taken in the middle of the call on a two-core machine. Caffeine hands its
 * cache upkeep (draining a read buffer, evicting) to that pool unless told otherwise; the caches a
 * call reads (keys, rate limits, credit accounts) drained every ≈ 5 calls
 * (docs/benchmarks/run-2026-12-04-1930-tails.md). Before the fix: 97 tasks in 500 calls.
 */
class CallPathHandOffIT {

    private static final int CALLS = 500;

    @TempDir
    Path temp;

    @Test
    void callsHandNoUpkeepToTheCommonPool() throws Exception {
        try (TestGateway g = TestGateway.start(temp, """
                governance:
                  enabled: true
                  rate_limits:
                    - { window: 1m, requests: 1000000, scope: all }
                """, Map.of())) {
            String key = g.mintKey(new NewKey("hand-off", "default", false, List.of(), 1_000_000, null, null,
                    new BigDecimal("1000")));
            String body = "{\"model\":\"gpt-4o-mini\"}";
            for (int i = 0; i < 50; i++) { // the first calls load the caches and compile the path
                assertThat(call(g, key, body).statusCode()).isEqualTo(200);
            }

            ForkJoinPool common = ForkJoinPool.commonPool();
            long tasksBefore = common.getStealCount() + common.getQueuedSubmissionCount();
            for (int i = 0; i < CALLS; i++) {
                assertThat(call(g, key, body).statusCode()).isEqualTo(200);
            }
            long tasks = common.getStealCount() + common.getQueuedSubmissionCount() - tasksBefore;

            assertThat(tasks).as("tasks handed to the common pool during %d calls", CALLS).isLessThanOrEqualTo(CALLS / 50);
        }
    }

    private static HttpResponse<String> call(TestGateway g, String key, String body) throws Exception {
        return Http.send(g.post("/v1/chat/completions", body).setHeader("Authorization", "Bearer " + key));
    }
}
