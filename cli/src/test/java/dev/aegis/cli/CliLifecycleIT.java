package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.cli.daemon.ProcessLiveness;
import dev.aegis.control.DaemonState;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.json.Json;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aegis start / status / stop} spawning a real daemon process in a temporary home. */
class CliLifecycleIT {

    @TempDir
    Path temp;

    FakeProvider fake;
    Map<String, String> env;
    String home;

    @BeforeEach
    void setUp() {
        fake = FakeProvider.start();
        env = new HashMap<>(Map.of(
                "OPENAI_API_KEY", "sk-provider-cli-test",
                "AEGIS_OPENAI_BASE_URL", fake.baseUrl(),
                "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
        home = temp.resolve("home").toString();
    }

    @AfterEach
    void tearDown() {
        CliRun.run(env, CliRun.args(home, "stop", "--timeout", "2s"));
        fake.close();
    }

    private CliRun aegis(String... args) {
        return CliRun.run(env, CliRun.args(home, args));
    }

    private DaemonState state() {
        return new DaemonStateFile(Path.of(home, "daemon.json")).read().orElseThrow();
    }

    @Test
    void startCallStatusStop() throws Exception {
        CliRun start = aegis("start", "--port", "0");
        assertThat(start.exitCode()).as(start.all()).isZero();
        assertThat(start.out()).contains("is running at http://127.0.0.1:");

        DaemonState s = state();
        JsonNode minted = Json.mapper().readTree(aegis("keygen", "--name", "test", "--json").out());
        String key = minted.path("key").asText();
        assertThat(Files.getPosixFilePermissions(Path.of(home, "daemon.json")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(Path.of(home))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        for (String file : new String[] {"aegis.db", "logs/daemon.log", "logs/daemon.out", "keys/receipts.key", "keys/jwt.secret"}) {
            assertThat(Files.getPosixFilePermissions(Path.of(home, file))).as(file)
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        HttpResponse<String> call = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(s.url() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(call.statusCode()).isEqualTo(200);
        assertThat(call.body()).contains("Hello from the fake provider.");
        assertThat(fake.requests().getLast().header("authorization")).isEqualTo("Bearer sk-provider-cli-test");
        // The README's flow: a call, then `aegis usage` at once, which has the daemon write its rows first (they are
        // written in the background, 200 ms at a time: a new user's first report said "No calls in this period").
        assertThat(Json.mapper().readTree(aegis("usage", "--json").out()).at("/total/requests").asLong()).isEqualTo(1);

        // The call is counted once its handler has returned, a moment after the client has the answer.
        JsonNode json = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            CliRun status = aegis("status", "--json");
            assertThat(status.exitCode()).isZero();
            json = Json.mapper().readTree(status.out());
            if (json.path("requests_served").asLong() >= 1) {
                break;
            }
        }
        assertThat(json.path("running").asBoolean()).isTrue();
        assertThat(json.path("pid").asLong()).isEqualTo(s.pid());
        assertThat(json.path("requests_served").asLong()).isGreaterThanOrEqualTo(1);

        CliRun again = aegis("start");
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("already running").contains("pid " + s.pid());

        CliRun stop = aegis("stop");
        assertThat(stop.exitCode()).as(stop.all()).isZero();
        assertThat(stop.out()).contains("Aegis stopped");
        assertThat(Path.of(home, "daemon.json")).doesNotExist();
        // Exited (a zombie until whatever adopted it reaps it: ProcessLiveness).
        assertThat(ProcessHandle.of(s.pid()).map(ProcessLiveness::running).orElse(false)).isFalse();

        CliRun after = aegis("status");
        assertThat(after.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(after.out()).contains("not running");
        assertThat(aegis("stop").out()).contains("not running");
    }

    /** Polls {@code aegis status} (at most 10 s) until its output holds {@code text}; that run. */
    private CliRun awaitStatus(String text, String... flags) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String[] args = new String[flags.length + 1];
        args[0] = "status";
        System.arraycopy(flags, 0, args, 1, flags.length);
        CliRun status = aegis(args);
        while (!status.out().contains(text) && System.nanoTime() < deadline) {
            status = aegis(args);
        }
        assertThat(status.out()).as(status.all()).contains(text);
        return status;
    }

    /** Found by an outside review: status exited 0 while it printed that records fail (docs/OPERATIONS.md: 0 only when healthy). */
    @Test
    void statusFailsWhileTheDaemonsRecordsFailAndSucceedsOnceTheyAreWritten() throws Exception {
        assertThat(aegis("start", "--port", "0").exitCode()).isZero();
        String key = Json.mapper().readTree(aegis("keygen", "--name", "test", "--json").out()).path("key").asText();
        // Today's receipt file cannot be opened for writing: writes fail as they do on a full disk.
        Path blocker = Path.of(home, "receipts", java.time.LocalDate.now(java.time.ZoneOffset.UTC) + ".jsonl");
        Files.createDirectories(blocker);
        HttpResponse<String> call = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(state().url() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(call.statusCode()).isEqualTo(200);

        CliRun failing = awaitStatus("records:   FAILING");
        assertThat(failing.exitCode()).isEqualTo(ExitCode.FAILED);
        CliRun failingJson = awaitStatus("\"records_failing\":true", "--json");
        assertThat(failingJson.exitCode()).isEqualTo(ExitCode.FAILED);

        Files.delete(blocker);
        CliRun healthy = awaitStatus("\"records_failing\":false", "--json");
        assertThat(healthy.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(aegis("status").exitCode()).isEqualTo(ExitCode.OK);
    }

    @Test
    void aNewStartAppendsToTheDaemonLogInsteadOfCuttingIt() throws Exception {
        assertThat(aegis("start", "--port", "0").exitCode()).isZero();
        assertThat(aegis("stop").exitCode()).isZero();
        Path log = Path.of(home, "logs", "daemon.log");
        byte[] first = Files.readAllBytes(log);
        assertThat(first).as("the first run logged").isNotEmpty();

        assertThat(aegis("start", "--port", "0").exitCode()).isZero();
        // The new daemon has written to the log once it answers; its lines follow the first run's.
        byte[] both = Files.readAllBytes(log);
        assertThat(both.length).isGreaterThan(first.length);
        assertThat(java.util.Arrays.copyOf(both, first.length)).as("the first run's lines are kept").isEqualTo(first);
        assertThat(new String(both, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("\0");
    }

    @Test
    void keyRevokedFromTheCliIsRefusedByTheRunningDaemonWithinOneSecond() throws Exception {
        assertThat(aegis("start", "--port", "0").exitCode()).isZero();
        JsonNode minted = Json.mapper().readTree(aegis("keygen", "--name", "soon-revoked", "--json").out());
        String key = minted.path("key").asText();
        assertThat(awaitStatus(key, 200)).isTrue();

        CliRun revoke = aegis("keys", "revoke", minted.path("id").asText());
        assertThat(revoke.exitCode()).as(revoke.all()).isZero();

        assertThat(awaitStatus(key, 401)).as("refused within 1 s").isTrue();
    }

    /** Polls until a call with the key gets the status, for at most a second (plus one call's time). */
    private boolean awaitStatus(String key, int expected) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1200);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(state().url() + "/v1/chat/completions"))
                    .header("x-api-key", key)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == expected) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Test
    void stopFindsADaemonWhoseStateFileWasDeleted() throws Exception {
        assertThat(aegis("start", "--port", "0").exitCode()).isZero();
        ProcessHandle daemon = ProcessHandle.of(state().pid()).orElseThrow();
        java.nio.file.Files.delete(Path.of(home, "daemon.json"));

        CliRun stop = aegis("stop");
        assertThat(stop.exitCode()).as(stop.all()).isZero();
        assertThat(stop.out()).contains("daemon.json is missing").contains("pid " + daemon.pid()).contains("Aegis stopped");
        assertThat(ProcessLiveness.awaitExit(daemon, Duration.ofSeconds(10))).as("the daemon exited").isTrue();
        CliRun start = aegis("start", "--port", "0");
        assertThat(start.exitCode()).as("the home is usable again: %s", start.all()).isZero();
    }

    @Test
    void startAfterKillNineCleansUpAndStarts() throws Exception {
        assertThat(aegis("start", "--port", "0").exitCode()).isZero();
        DaemonState first = state();
        ProcessHandle daemon = ProcessHandle.of(first.pid()).orElseThrow();
        daemon.destroyForcibly();
        assertThat(ProcessLiveness.awaitExit(daemon, Duration.ofSeconds(10))).as("the killed daemon exited").isTrue();
        assertThat(Path.of(home, "daemon.json")).exists();

        CliRun start = aegis("start", "--port", "0");
        assertThat(start.exitCode()).as(start.all()).isZero();
        assertThat(start.out()).contains("Removed the state").contains("is running");
        assertThat(state().pid()).isNotEqualTo(first.pid());
    }

    @Test
    void invalidConfigFailsWithTheReasonAndNoStackTrace() throws Exception {
        Path config = temp.resolve("bad.yaml");
        Files.writeString(config, "server:\n  port: 99999\nproviders:\n  local: { type: ollama }\n");

        CliRun start = aegis("start", "--config", config.toString());

        assertThat(start.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(start.err()).contains("Aegis failed to start").contains("server.port").contains("providers.local.type");
        assertThat(start.all()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void portInUseFailsWithOneClearReason() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CliRun start = aegis("start", "--port", String.valueOf(taken.getLocalPort()));

            assertThat(start.exitCode()).isEqualTo(ExitCode.FAILED);
            assertThat(start.err()).contains("Aegis failed to start: cannot listen on 127.0.0.1:" + taken.getLocalPort());
            assertThat(start.all()).doesNotContain("\tat ");
        }
    }

    @Test
    void portInUseAfterAStopIsTheSameClearReason() throws Exception {
        assertThat(aegis("start", "--port", "0").exitCode()).isZero();
        assertThat(aegis("stop").exitCode()).isZero();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CliRun start = aegis("start", "--port", String.valueOf(taken.getLocalPort()));

            assertThat(start.exitCode()).isEqualTo(ExitCode.FAILED);
            assertThat(start.err()).contains("Aegis failed to start: cannot listen on 127.0.0.1:" + taken.getLocalPort());
            assertThat(start.all()).doesNotContain("\tat ").doesNotContain("Exception");
        }
    }

    @Test
    void homeComesFromTheHomeVariableLikeEveryOtherTool() throws Exception {
        Path userHome = temp.resolve("user-home");
        Files.createDirectories(userHome);
        env.put("HOME", userHome.toString());
        try {
            CliRun start = CliRun.run(env, "start", "--port", "0");

            assertThat(start.exitCode()).as(start.all()).isZero();
            assertThat(userHome.resolve(".aegis/daemon.json")).exists();
            CliRun status = CliRun.run(env, "status", "--json");
            assertThat(status.out()).contains("\"running\":true");
        } finally {
            CliRun.run(env, "stop", "--timeout", "5s");
        }
    }

    @Test
    void unwritableHomeIsOneClearLine() {
        CliRun start = CliRun.run(env, "--home", "/proc/aegis-cannot-be-here", "start");

        assertThat(start.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(start.err()).startsWith("aegis: cannot create the home folder /proc/aegis-cannot-be-here");
        assertThat(start.err().lines().count()).isEqualTo(1);
    }

    @Test
    void providerUrlPointingAtTheDaemonItselfIsRefused() {
        env.put("AEGIS_OPENAI_BASE_URL", "http://localhost:18787/v1");

        CliRun start = aegis("start", "--port", "18787");

        assertThat(start.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(start.err()).contains("points back at this daemon");
    }
}
