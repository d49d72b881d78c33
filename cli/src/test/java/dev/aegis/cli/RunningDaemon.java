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
import java.util.HashMap;
import java.util.Map;

/**
 * A daemon started by {@code aegis start} in a temporary home, in front of the fake provider, with
 * one minted key: what the CLI tests that watch a live daemon ({@code tail}, terminals, JSON
 * output) start from. Stopped with {@code aegis stop} on close.
 */
final class RunningDaemon implements AutoCloseable {

    final FakeProvider fake = FakeProvider.start();
    final Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-p", "AEGIS_OPENAI_BASE_URL", fake.baseUrl()));
    final String home;
    final String key;
    private final HttpClient http = HttpClient.newHttpClient();

    /** @param config the home's {@code aegis.yaml}, or null for none */
    RunningDaemon(Path temp, String config) throws Exception {
        home = temp.resolve("home").toString();
        if (config != null) {
            Files.createDirectories(Path.of(home));
            Files.writeString(Path.of(home, "aegis.yaml"), config);
        }
        assertThat(aegis("start", "--port", "0").exitCode()).isZero();
        key = Json.mapper().readTree(aegis("keygen", "--name", "t", "--json").out()).path("key").asText();
    }

    CliRun aegis(String... args) {
        return CliRun.run(env, CliRun.args(home, args));
    }

    DaemonState state() {
        return new DaemonStateFile(Path.of(home, "daemon.json")).read().orElseThrow();
    }

    /** A chat completion with {@code bearer} as the key; its status. */
    int call(String bearer, String model) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(state().url() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + bearer)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"messages\":[]}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** A GET with {@code bearer} as the key. */
    HttpResponse<String> get(String path, String bearer) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(state().url() + path)).header("Authorization", "Bearer " + bearer).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        aegis("stop");
        fake.close();
    }
}
