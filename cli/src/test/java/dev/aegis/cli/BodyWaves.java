package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * For the heap tests: a daemon process started like {@code aegis start} (the launcher's serial
 * collector and heap shape), and waves of calls that each hold a 1 MB body while the provider takes
 * its time, so that every wave's bodies are alive at a young collection. The heap is read from the
 * daemon's own {@code /metrics}.
 */
final class BodyWaves implements AutoCloseable {

    static final long MB = 1 << 20;
    private static final int CALLS_PER_WAVE = 48;
    private static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + "hello world ".repeat((int) MB / 12) + "\"}]}";

    private final FakeProvider fake;
    private final Map<String, String> env;
    private final Path home;
    private final String base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String key;

    private BodyWaves(FakeProvider fake, Map<String, String> env, Path home, String base) {
        this.fake = fake;
        this.env = env;
        this.home = home;
        this.base = base;
    }

    /** Starts a daemon in {@code temp/home} with {@code aegis start}; the provider answers after 400 ms. */
    static BodyWaves start(Path temp) throws Exception {
        Path home = temp.resolve("home");
        Files.createDirectories(home);
        FakeProvider fake = FakeProvider.start();
        fake.headerDelay(Duration.ofMillis(400));
        Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-p", "AEGIS_OPENAI_BASE_URL", fake.baseUrl()));
        CliRun start = CliRun.run(env, CliRun.args(home.toString(), "start", "--port", "0"));
        if (start.exitCode() != 0) {
            fake.close();
        }
        assertThat(start.exitCode()).as(start.all()).isZero();
        DaemonState state = new DaemonStateFile(home.resolve("daemon.json")).read().orElseThrow();
        return new BodyWaves(fake, env, home, "http://127.0.0.1:" + state.port());
    }

    /** One wave: 48 calls at once, each with a 1 MB body; all answered 200. A key is minted at the first. */
    void wave() throws Exception {
        if (key == null) {
            JsonNode minted = Json.mapper().readTree(
                    CliRun.run(env, CliRun.args(home.toString(), "keygen", "--name", "waves", "--json")).out());
            key = minted.path("key").asText();
        }
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < CALLS_PER_WAVE; i++) {
            calls.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            assertThat(call.get().statusCode()).isEqualTo(200);
        }
    }

    /** The committed bytes of these heap pools ({@code Tenured Gen}, {@code Eden Space}, ...), summed. */
    long committed(String... pools) throws Exception {
        String metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        long sum = 0;
        for (String pool : pools) {
            Matcher m = Pattern.compile("(?m)^jvm_memory_committed_bytes\\{area=\"heap\",id=\"" + Pattern.quote(pool)
                    + "\"\\}\\s+(\\S+)$").matcher(metrics);
            assertThat(m.find()).as("the daemon's /metrics has the committed size of %s", pool).isTrue();
            sum += (long) Double.parseDouble(m.group(1));
        }
        return sum;
    }

    @Override
    public void close() {
        try {
            CliRun.run(env, CliRun.args(home.toString(), "stop"));
        } finally {
            fake.close();
        }
    }
}
