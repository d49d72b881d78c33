package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.control.DaemonState;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `aegis tail` against a live daemon: it sees the calls, and reconnects when the daemon restarts. */
class TailIT {

    @TempDir
    Path temp;

    RunningDaemon daemon;
    Map<String, String> env;
    String home;
    String key;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() throws Exception {
        daemon = new RunningDaemon(temp, null);
        env = daemon.env;
        home = daemon.home;
        key = daemon.key;
    }

    @AfterEach
    void tearDown() {
        daemon.close();
    }

    private int call(String model) throws Exception {
        DaemonState s = new DaemonStateFile(Path.of(home, "daemon.json")).read().orElseThrow();
        return http.send(HttpRequest.newBuilder(URI.create(s.url() + "/v1/chat/completions")).header("x-api-key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private CompletableFuture<Integer> tail(StringWriter out, StringWriter err, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("--home", home, "tail"));
        all.addAll(List.of(args));
        return CompletableFuture.supplyAsync(() -> AegisCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), env)
                .execute(all.toArray(String[]::new)));
    }

    /** Keeps calling until the condition holds (tail subscribes asynchronously), bounded in time. */
    private void callUntil(java.util.function.BooleanSupplier done, String model) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("tail saw the calls in time").isLessThan(deadline);
            try {
                call(model);
            } catch (java.io.IOException e) {
                // The daemon is restarting.
            }
            Thread.sleep(50);
        }
    }

    @Test
    void tailJsonShowsCallsAsTheyHappenAndFilters() throws Exception {
        StringWriter out = new StringWriter();
        CompletableFuture<Integer> tail = tail(out, new StringWriter(), "--json", "--count", "2", "--model", "gpt-4o");
        callUntil(tail::isDone, "gpt-4o");
        assertThat(tail.get(5, TimeUnit.SECONDS)).isZero();

        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            JsonNode e = Json.mapper().readTree(line);
            assertThat(e.path("model").asText()).isEqualTo("gpt-4o");
            assertThat(e.path("status").asInt()).isEqualTo(200);
            assertThat(e.path("request_id").asText()).startsWith("req_");
            assertThat(e.path("provider").asText()).isEqualTo("openai");
            assertThat(e.path("key_name").asText()).isEqualTo("t");
            assertThat(e.path("key_id").asText()).isNotBlank();
            assertThat(line).doesNotContain(key);
        }
    }

    @Test
    void humanLinesAndReconnectAfterARestart() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> tail = tail(out, err, "--count", "2");
        // One event before the restart: call, then give the event time to arrive before calling again
        // (tail subscribes asynchronously, so the first calls may come before it listens).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (out.toString().isEmpty()) {
            assertThat(System.nanoTime()).as("tail saw a call in time").isLessThan(deadline);
            call("gpt-4o-mini");
            long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (out.toString().isEmpty() && System.nanoTime() < wait) {
                Thread.sleep(10);
            }
        }
        assertThat(out.toString().lines().count()).isEqualTo(1);

        assertThat(CliRun.run(env, CliRun.args(home, "stop")).exitCode()).isZero();
        assertThat(CliRun.run(env, CliRun.args(home, "start", "--port", "0")).exitCode()).isZero();
        callUntil(tail::isDone, "gpt-4o-mini");

        assertThat(tail.get(5, TimeUnit.SECONDS)).isZero();
        assertThat(out.toString().lines().toList()).hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("gpt-4o-mini").contains("openai").contains(" 200 "));
        assertThat(err.toString()).contains("reconnecting");
    }

    @Test
    void eventsNeedAnAdminKeyOrTheControlToken() throws Exception {
        DaemonState s = new DaemonStateFile(Path.of(home, "daemon.json")).read().orElseThrow();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/aegis/v1/events"))
                .header("x-api-key", key).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
    }
}
