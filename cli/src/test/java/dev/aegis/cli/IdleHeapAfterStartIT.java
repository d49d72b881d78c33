package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.control.DaemonState;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon process started like {@code aegis start} (the launcher's serial collector and heap shape).
 * The serial collector never gives back a young-generation page it has touched, and a start allocates
 * tens of MB that are garbage once the daemon listens: whatever young generation the start had stays
 * resident for as long as the daemon is idle (issue 29: idle RSS ≤ 100 MB). So after the start the
 * young generation (eden and the survivor space in use, read from the daemon's own /metrics) must be at
 * most 8 MB; and under load, once a full collection has run, it must have grown back to at least
 * 24 MB (a 32 MB young generation less its idle survivor space), or calls would pay a young collection every few MB.
 */
class IdleHeapAfterStartIT {

    private static final long MB = 1 << 20;
    private static final int MAX_WAVES = 8;
    private static final int CALLS_PER_WAVE = 48;
    private static final int BODY = 1 << 20;
    private static final Pattern YOUNG_COMMITTED = Pattern.compile(
            "(?m)^jvm_memory_committed_bytes\\{area=\"heap\",id=\"(?:Eden Space|Survivor Space)\"\\}\\s+(\\S+)$");

    @TempDir
    Path temp;

    @Test
    void theStartLeavesASmallYoungGenerationThatGrowsUnderLoad() throws Exception {
        Path home = temp.resolve("home");
        Files.createDirectories(home);
        try (FakeProvider fake = FakeProvider.start()) {
            fake.headerDelay(Duration.ofMillis(400));
            Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-p", "AEGIS_OPENAI_BASE_URL", fake.baseUrl()));
            CliRun start = CliRun.run(env, CliRun.args(home.toString(), "start", "--port", "0"));
            assertThat(start.exitCode()).as(start.all()).isZero();
            try {
                DaemonState state = new DaemonStateFile(home.resolve("daemon.json")).read().orElseThrow();
                String base = "http://127.0.0.1:" + state.port();
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

                // Before: 64 MB (-Xmn64m), of which ≈ 29 MB of start-up garbage stayed resident while idle.
                long afterStart = youngCommitted(client, base);
                assertThat(afterStart / (double) MB).as("young generation committed after the start (MB)")
                        .isLessThanOrEqualTo(8);

                String key = Json.mapper().readTree(
                        CliRun.run(env, CliRun.args(home.toString(), "keygen", "--name", "waves", "--json")).out())
                        .path("key").asText();
                String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + "hello world ".repeat(BODY / 12) + "\"}]}";
                // Waves of calls each holding a 1 MB body across young collections: they are promoted, the old
                // generation grows, and the daemon's OldGenerationBound runs a full collection, at which the
                // collector sizes the young generation to the old one's.
                List<Long> youngAfterEachWave = new ArrayList<>();
                for (int wave = 0; wave < MAX_WAVES && youngCommitted(client, base) < 24 * MB; wave++) {
                    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
                    for (int i = 0; i < CALLS_PER_WAVE; i++) {
                        calls.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                                .timeout(Duration.ofSeconds(60))
                                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
                    }
                    for (CompletableFuture<HttpResponse<String>> call : calls) {
                        assertThat(call.get().statusCode()).isEqualTo(200);
                    }
                    youngAfterEachWave.add(youngCommitted(client, base) / MB);
                }
                System.out.printf("young generation committed: %d MB after the start, after each wave (MB) %s%n",
                        afterStart / MB, youngAfterEachWave);
                assertThat(youngCommitted(client, base) / (double) MB)
                        .as("young generation committed under load (MB), after each wave: %s", youngAfterEachWave)
                        .isGreaterThanOrEqualTo(24);
            } finally {
                CliRun.run(env, CliRun.args(home.toString(), "stop"));
            }
        }
    }

    /** Eden and the survivor space in use, committed, as the daemon's /metrics reports them. */
    private static long youngCommitted(HttpClient client, String base) throws Exception {
        String metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = YOUNG_COMMITTED.matcher(metrics);
        long sum = 0;
        int pools = 0;
        while (m.find()) {
            sum += (long) Double.parseDouble(m.group(1));
            pools++;
        }
        assertThat(pools).as("the daemon's /metrics has its eden and survivor spaces").isEqualTo(2);
        return sum;
    }
}
