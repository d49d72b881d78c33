package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.receipts.ReceiptKeys;
import dev.aegis.receipts.ReceiptVerifier;
import dev.aegis.receipts.VerifyResult;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store fails under the daemon: a database locked by another process, a receipts folder that
 * cannot be written (as on a full disk). Calls are served or refused by the documented policy
 * (docs/RELIABILITY.md) and no call goes unrecorded.
 */
class StoreFaultIT {

    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}";

    @TempDir
    Path temp;

    private static JsonNode health(TestGateway g) throws Exception {
        return Http.json(Http.get(g.url() + "/healthz", "application/json").body());
    }

    private static JsonNode awaitHealth(TestGateway g, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode h = health(g);
        while (!condition.test(h) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            h = health(g);
        }
        assertThat(condition.test(h)).as("health never reached the expected state: %s", h).isTrue();
        return h;
    }

    private static String requestId(HttpResponse<?> r) {
        return r.headers().firstValue("X-Request-Id").orElseThrow();
    }

    @Test
    void receiptsThatCannotBeWrittenWaitInMemoryThenCallsAreRefusedAndNothingIsLost() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "audit: { max_backlog: 4 }", Map.of())) {
            Path receipts = g.homeDir.resolve("receipts");
            // Today's receipt file cannot be opened for writing: writes fail as they do on a full disk.
            Path blocker = receipts.resolve(LocalDate.now(ZoneOffset.UTC) + ".jsonl");
            Files.createDirectories(blocker);

            List<String> served = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", CHAT));
                assertThat(r.statusCode()).isEqualTo(200);
                served.add(requestId(r));
            }
            JsonNode failing = awaitHealth(g, h -> h.path("records_failing").asBoolean()
                    && h.path("records_backlog").asLong() >= 4);
            assertThat(failing.path("status").asText()).isEqualTo("ok");
            // A usage row names its receipt's seq (issue 25), so it waits in memory with its receipt.

            HttpResponse<String> refused = Http.send(g.post("/v1/chat/completions", CHAT));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(Http.json(refused.body()).at("/error/code").asText()).isEqualTo("records_unavailable");
            assertThat(refused.body()).contains("4 are waiting");
            int upstreamCalls = g.fake.requests().size();
            assertThat(upstreamCalls).as("a refused call never reaches the provider").isEqualTo(4);

            // Space comes back: every waiting receipt is written, in order, and the chain is intact.
            Files.delete(blocker);
            awaitHealth(g, h -> !h.path("records_failing").asBoolean() && h.path("records_backlog").asLong() == 0);
            VerifyResult verified = new ReceiptVerifier(ReceiptKeys.readPublic(g.homeDir.resolve("keys/receipts.pub")))
                    .verify(receipts);
            assertThat(verified.intact()).as(verified.toString()).isTrue();
            // The refusal is not recorded: with every retry it would add to what already waits, without bound.
            assertThat(verified.receipts()).as("the 4 served").isEqualTo(4);
            for (String id : served) {
                assertThat(g.awaitUsage(id).status()).as("the waiting rows are stored too").isEqualTo(200);
            }
            assertThat(UsageRowView.find(g.db, requestId(refused))).as("no row for the refusal").isEmpty();
            String lines = Files.readString(blocker);
            for (String id : served) {
                assertThat(lines).contains(id);
            }
            assertThat(Http.send(g.post("/v1/chat/completions", CHAT)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aDatabaseLockedByAnotherWriterDelaysRowsButNotCalls() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            // Warm the key cache: a lookup after the lock would wait for it.
            g.awaitUsage(requestId(Http.send(g.post("/v1/chat/completions", CHAT))));
            List<String> ids = new ArrayList<>();
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + g.homeDir.resolve("aegis.db"));
                    Statement st = other.createStatement()) {
                st.execute("BEGIN EXCLUSIVE");
                for (int i = 0; i < 5; i++) {
                    long start = System.nanoTime();
                    HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", CHAT));
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(Duration.ofNanos(System.nanoTime() - start))
                            .as("the call does not wait for the database").isLessThan(Duration.ofSeconds(2));
                    ids.add(requestId(r));
                }
                assertThat(health(g).path("records_backlog").asLong()).as("rows wait while the lock is held")
                        .isGreaterThanOrEqualTo(1);
                st.execute("COMMIT");
            }
            for (String id : ids) {
                assertThat(g.awaitUsage(id).status()).isEqualTo(200);
            }
            awaitHealth(g, h -> h.path("records_backlog").asLong() == 0);
        }
    }

    /**
     * A write held up by another process's lock counts as stalled after a couple of seconds: once the
     * records waiting reach audit.max_backlog, calls are refused then, not only after the write fails
     * at the 10 s busy timeout (records piled up far past the limit meanwhile).
     */
    @Test
    void callsAreRefusedOnceTheBacklogIsFullWhileAWriteIsHeldUp() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "audit: { max_backlog: 4 }", Map.of())) {
            g.awaitUsage(requestId(Http.send(g.post("/v1/chat/completions", CHAT))));
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + g.homeDir.resolve("aegis.db"));
                    Statement st = other.createStatement()) {
                st.execute("BEGIN EXCLUSIVE");
                long locked = System.nanoTime();
                HttpResponse<String> r;
                do {
                    r = Http.send(g.post("/v1/chat/completions", CHAT));
                } while (r.statusCode() == 200 && System.nanoTime() - locked < Duration.ofSeconds(9).toNanos());
                Duration refusedAfter = Duration.ofNanos(System.nanoTime() - locked);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("records_unavailable");
                assertThat(refusedAfter).as("before the held write fails (10 s)").isLessThan(Duration.ofSeconds(9));
                // From now on the backlog stays: further calls are refused, and their refusals not recorded.
                long backlog = health(g).path("records_backlog").asLong();
                for (int i = 0; i < 20; i++) {
                    assertThat(Http.send(g.post("/v1/chat/completions", CHAT)).statusCode()).isEqualTo(503);
                }
                assertThat(health(g).path("records_backlog").asLong()).as("the backlog after 20 more calls").isEqualTo(backlog);
                st.execute("COMMIT");
            }
            awaitHealth(g, h -> h.path("records_backlog").asLong() == 0);
            assertThat(Http.send(g.post("/v1/chat/completions", CHAT)).statusCode()).isEqualTo(200);
        }
    }
}
