package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.cli.daemon.ProcessLiveness;
import dev.aegis.control.DaemonState;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon under 64 concurrent callers is killed with {@code kill -9}, or stopped gracefully:
 * after a crash the database is intact, the receipt chain verifies, no credit reservation is left,
 * and every call answered more than the flush window before the kill has its usage row; after a
 * graceful stop every answered call has its row and receipt.
 */
class CrashUnderLoadIT {

    private static final int CALLERS = 64;
    /** The documented flush window (docs/RELIABILITY.md) with room for a slow machine. */
    private static final Duration FLUSH_WINDOW = Duration.ofSeconds(1);

    @TempDir
    Path temp;

    /** Calls answered with 200, each with the time its answer arrived. */
    private record Load(ConcurrentLinkedQueue<Long> answeredAt, AtomicBoolean stop, CountDownLatch done) {}

    private static Load load(DaemonState state, String key) {
        Load load = new Load(new ConcurrentLinkedQueue<>(), new AtomicBoolean(), new CountDownLatch(CALLERS));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest call = HttpRequest.newBuilder(URI.create(state.url() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20)).header("x-api-key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"stream\":true}")).build();
        for (int i = 0; i < CALLERS; i++) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (!load.stop().get()) {
                        HttpResponse<String> r = http.send(call, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            return; // the daemon is draining: this caller is done
                        }
                        if (r.body().endsWith("data: [DONE]\n\n")) {
                            load.answeredAt().add(System.nanoTime());
                        }
                    }
                } catch (Exception e) {
                    // the daemon died or stopped under this caller
                } finally {
                    load.done().countDown();
                }
            });
        }
        return load;
    }

    private static void awaitAnswers(Load load, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (load.answeredAt().size() < n) {
            assertThat(System.nanoTime()).as("load never got going").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static String logTail(Path log) {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (java.io.IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    @Test
    void killNineUnderLoadLosesNothingBeyondTheFlushWindowAndCorruptsNothing() throws Exception {
        String home = temp.resolve("home").toString();
        try (FakeProvider fake = FakeProvider.start()) {
            fake.eventDelay(Duration.ofMillis(2));
            Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-p", "AEGIS_OPENAI_BASE_URL", fake.baseUrl()));
            assertThat(CliRun.run(env, CliRun.args(home, "start", "--port", "0")).exitCode()).isZero();
            JsonNode minted = Json.mapper().readTree(
                    CliRun.run(env, CliRun.args(home, "keygen", "--name", "load", "--credits", "100", "--json")).out());
            DaemonState state = new DaemonStateFile(Path.of(home, "daemon.json")).read().orElseThrow();
            // The window is a running daemon's: its writers' first batch (loading the native signer, the
            // first fsync and transaction) is a one-time cost, paid before the load starts.
            HttpResponse<String> first = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(state.url()
                    + "/v1/chat/completions")).header("x-api-key", minted.path("key").asText())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(first.statusCode()).isEqualTo(200);
            long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Json.mapper().readTree(CliRun.run(env, CliRun.args(home, "usage", "--format", "json")).out())
                    .at("/total/requests").asLong() < 1 && System.nanoTime() < settle) {
                Thread.sleep(50);
            }

            Load load = load(state, minted.path("key").asText());
            awaitAnswers(load, 100);
            ProcessHandle daemon = ProcessHandle.of(state.pid()).orElseThrow();
            long killedAt = System.nanoTime();
            daemon.destroyForcibly();
            assertThat(ProcessLiveness.awaitExit(daemon, Duration.ofSeconds(10))).as("the killed daemon exited").isTrue();
            load.stop().set(true);
            assertThat(load.done().await(30, TimeUnit.SECONDS)).isTrue();
            long answeredWellBefore = load.answeredAt().stream()
                    .filter(t -> t < killedAt - FLUSH_WINDOW.toNanos()).count();

            assertThat(CliRun.run(env, CliRun.args(home, "start", "--port", "0")).exitCode()).isZero();
            try {
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + Path.of(home, "aegis.db"));
                        Statement st = c.createStatement()) {
                    assertThat(one(st, "PRAGMA integrity_check")).isEqualTo("ok");
                    assertThat(one(st, "SELECT COUNT(*) FROM credit_reservations")).isEqualTo("0");
                    long rows = Long.parseLong(one(st, "SELECT COUNT(*) FROM usage WHERE status = 200"));
                    assertThat(rows).as("rows of calls answered more than the flush window before the kill; daemon.log:\n%s",
                            logTail(Path.of(home, "logs", "daemon.log"))).isGreaterThanOrEqualTo(answeredWellBefore);
                }
                CliRun verify = CliRun.run(env, CliRun.args(home, "receipts", "verify", "--json"));
                assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + Path.of(home, "aegis.db"));
                        Statement st = c.createStatement()) {
                    // Every receipt the killed daemon signed has its row: those it had not stored yet are written from
                    // the receipts by the next start (an outside review found calls charged with a receipt and no row).
                    assertThat(Long.parseLong(one(st, "SELECT COUNT(*) FROM usage WHERE receipt_seq IS NOT NULL")))
                            .isEqualTo(receipts(verify.out()));
                }
            } finally {
                CliRun.run(env, CliRun.args(home, "stop"));
            }
        }
    }

    /** How many receipts `receipts verify --json` checked, over every trail it names. */
    private static long receipts(String json) throws Exception {
        com.fasterxml.jackson.databind.JsonNode n = Json.mapper().readTree(json);
        return n.has("receipts") ? n.path("receipts").asLong() : n.findValues("receipts").stream()
                .mapToLong(com.fasterxml.jackson.databind.JsonNode::asLong).sum();
    }

    @Test
    void gracefulStopUnderLoadRecordsEveryAnsweredCall() throws Exception {
        String home = temp.resolve("home").toString();
        try (FakeProvider fake = FakeProvider.start()) {
            fake.eventDelay(Duration.ofMillis(2));
            Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-p", "AEGIS_OPENAI_BASE_URL", fake.baseUrl()));
            assertThat(CliRun.run(env, CliRun.args(home, "start", "--port", "0")).exitCode()).isZero();
            String key = Json.mapper().readTree(
                    CliRun.run(env, CliRun.args(home, "keygen", "--name", "load", "--json")).out()).path("key").asText();
            DaemonState state = new DaemonStateFile(Path.of(home, "daemon.json")).read().orElseThrow();

            Load load = load(state, key);
            awaitAnswers(load, 60);
            assertThat(CliRun.run(env, CliRun.args(home, "stop", "--timeout", "20s")).exitCode()).isZero();
            load.stop().set(true);
            assertThat(load.done().await(30, TimeUnit.SECONDS)).isTrue();
            int answered = load.answeredAt().size();

            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + Path.of(home, "aegis.db"));
                    Statement st = c.createStatement()) {
                long rows = Long.parseLong(one(st, "SELECT COUNT(*) FROM usage WHERE status = 200 AND complete = 1"));
                assertThat(rows).as("every call answered whole has its row").isGreaterThanOrEqualTo(answered);
            }
            CliRun verify = CliRun.run(env, CliRun.args(home, "receipts", "verify", "--json"));
            assertThat(verify.exitCode()).isZero();
            assertThat(Json.mapper().readTree(verify.out()).path("receipts").asLong()).isGreaterThanOrEqualTo(answered);
        }
    }

    private static String one(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
