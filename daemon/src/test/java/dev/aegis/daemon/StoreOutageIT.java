package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.NewKey;
import dev.aegis.store.CreditBalance;
import dev.aegis.store.Money;
import dev.aegis.store.SqlCreditLedger;
import dev.aegis.store.PostgresServer;
import dev.aegis.receipts.ReceiptInstance;
import dev.aegis.receipts.ReceiptKeys;
import dev.aegis.receipts.ReceiptLog;
import dev.aegis.receipts.ReceiptVerifier;
import dev.aegis.receipts.VerifyResult;
import dev.aegis.store.Database;
import dev.aegis.store.ReceiptHead;
import dev.aegis.store.ReceiptHeadStore;
import java.math.BigDecimal;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Team mode with the shared PostgreSQL going down under a running daemon (docs/TEAM.md): calls
 * are refused with 503 {@code store_unavailable} (never served unchecked), their records wait in
 * memory, a call already admitted finishes and its charge waits too, and once the server is back the
 * daemon reconnects by itself, serves again, writes the records and settles the charge.
 */
class StoreOutageIT {

    /**
     * Each wait for the database (a refused call, a writer's try, the stop's last try) lasts this
     * long instead of the default 5 s, so the outage cases take seconds, not half a minute each.
     */
    private static final String QUICK_WAIT = "store: { connection_timeout: 1s }\n";

    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();

    @TempDir
    Path temp;

    private static String requestId(HttpResponse<?> r) {
        return r.headers().firstValue("X-Request-Id").orElseThrow();
    }

    @Test
    void callsFailClosedWhileTheDatabaseIsDownAndTheirRecordsAreWrittenWhenItReturns() throws Exception {
        String url = POSTGRES.server().newDatabase();
        try (TestGateway g = TestGateway.start(temp, QUICK_WAIT, Map.of("AEGIS_STORE_URL", url))) {
            HttpResponse<String> before = Http.send(g.post("/v1/chat/completions", CHAT));
            assertThat(before.statusCode()).isEqualTo(200);
            g.awaitUsage(requestId(before));

            // A call with credits is in flight (its hold taken) when the database goes away.
            String funded = g.mintKey(new NewKey("funded", "default", false, List.of(), null, null, null, new BigDecimal("5")));
            String fundedId = ApiKeys.parse(funded).orElseThrow().id();
            SqlCreditLedger ledger = new SqlCreditLedger(g.db, InstantSource.system());
            g.fake.headerDelay(Duration.ofSeconds(2));
            CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return Http.send(g.post("/v1/chat/completions", CHAT).setHeader("Authorization", "Bearer " + funded));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long held = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (ledger.balance(fundedId).orElseThrow().reservedUsd().signum() == 0 && System.nanoTime() < held) {
                Thread.sleep(10);
            }
            assertThat(ledger.balance(fundedId).orElseThrow().reservedUsd()).isPositive();

            POSTGRES.server().stop();
            HttpResponse<String> served = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(served.statusCode()).as("a call already admitted finishes").isEqualTo(200);
            g.fake.headerDelay(Duration.ZERO);
            // The key stays cached for under a second; after that every call needs the database.
            List<String> refused = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            HttpResponse<String> r;
            do {
                r = Http.send(g.post("/v1/chat/completions", CHAT));
                if (r.statusCode() == 503) {
                    refused.add(requestId(r));
                }
            } while (refused.size() < 2 && System.nanoTime() < deadline);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            JsonNode error = Http.json(r.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("store_unavailable");
            assertThat(error.path("message").asText()).contains("cannot use its database").doesNotContain("password");
            JsonNode health = Http.json(Http.get(g.url() + "/healthz", "application/json").body());
            long waitUntil = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!health.path("records_failing").asBoolean() && System.nanoTime() < waitUntil) {
                Thread.sleep(50);
                health = Http.json(Http.get(g.url() + "/healthz", "application/json").body());
            }
            assertThat(health.path("records_failing").asBoolean()).as("the refusals' rows wait in memory: %s", health).isTrue();

            POSTGRES.server().restart();
            // No restart of the daemon: its pool reconnects by itself.
            long back = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            HttpResponse<String> after;
            do {
                after = Http.send(g.post("/v1/chat/completions", CHAT));
            } while (after.statusCode() != 200 && System.nanoTime() < back);
            assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
            for (String id : refused) {
                UsageRowView row = g.awaitUsage(id);
                assertThat(row.status()).isEqualTo(503);
                assertThat(row.errorCode()).isEqualTo("store_unavailable");
            }
            assertThat(g.awaitUsage(requestId(after)).status()).isEqualTo(200);
            // The in-flight call's charge waited for the database too: billed exactly, its hold dropped.
            long cost = g.awaitUsage(requestId(served)).costNanos();
            assertThat(cost).isPositive();
            long settled = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            CreditBalance balance = ledger.balance(fundedId).orElseThrow();
            while (balance.reservedUsd().signum() != 0 && System.nanoTime() < settled) {
                Thread.sleep(20);
                balance = ledger.balance(fundedId).orElseThrow();
            }
            assertThat(balance.reservedUsd()).isZero();
            assertThat(Money.toNanos(balance.balanceUsd())).isEqualTo(Money.toNanos(new BigDecimal("5")) - cost);
        }
    }

    /** Receipts off: usage rows and charges a stop could not write are kept in the spool and written by the next start. */
    @Test
    void aStopWhileTheDatabaseIsDownKeepsUsageRowsAndChargesForTheNextStart() throws Exception {
        stopWhileTheDatabaseIsDown(QUICK_WAIT + "audit: { receipts: false }\n", Map.of("AEGIS_STORE_URL", POSTGRES.server().newDatabase()));
    }

    /**
     * Receipts on: the receipts are on disk before the stop, their usage rows (each naming its receipt)
     * and the trail's head wait in the spool, and the next start writes them, so the store's head is
     * the trail's end again and the trail verifies against it.
     */
    @Test
    void withReceiptsOnAStopWhileTheDatabaseIsDownKeepsTheSignedRowsAndTheHead() throws Exception {
        Stopped stopped = stopWhileTheDatabaseIsDown(QUICK_WAIT, Map.of("AEGIS_STORE_URL", POSTGRES.server().newDatabase()));
        Path home = stopped.home();
        String instance = ReceiptInstance.read(home.resolve("keys").resolve(ReceiptInstance.FILE)).orElseThrow();
        try (Database db = Database.open(stopped.env().get("AEGIS_STORE_URL"))) {
            ReceiptHead trailEnd = ReceiptLog.trailEnd(home.resolve("receipts"));
            ReceiptHeadStore heads = new ReceiptHeadStore(db);
            assertThat(heads.head(instance)).as("the spooled head was stored").contains(
                    new ReceiptHead(trailEnd.seq(), trailEnd.hash(), trailEnd.keyFingerprint(), instance));
            assertThat(heads.highestUsageReceipt(instance)).isEqualTo(trailEnd.seq());
            for (String id : List.of(stopped.servedId(), stopped.refusedId())) {
                assertThat(db.<Long>read(c -> {
                    try (var ps = c.prepareStatement("SELECT receipt_seq FROM usage WHERE request_id = ? AND receipt_instance = ?")) {
                        ps.setString(1, id);
                        ps.setString(2, instance);
                        try (var rs = ps.executeQuery()) {
                            return rs.next() ? rs.getLong(1) : null;
                        }
                    }
                })).as("the row of %s names its receipt", id).isPositive();
            }
            ReceiptKeys.Pair keys = ReceiptKeys.load(home.resolve("keys").resolve("receipts.key"));
            VerifyResult verified = new ReceiptVerifier(keys.publicKey(), 2).verify(home.resolve("receipts"),
                    new ReceiptVerifier.Expectations(heads.head(instance).orElse(null), heads.highestUsageReceipt(instance), null,
                            java.util.Set.of()));
            assertThat(verified.intact()).as("%s", verified).isTrue();
            assertThat(verified.lastSeq()).isEqualTo(trailEnd.seq());
        }
    }

    private record Stopped(Path home, Map<String, String> env, String servedId, String refusedId) {}

    /**
     * A call in flight and a refused call while the database is down, then a graceful stop with it
     * still down: what could not be written is kept in {@code <home>/spool/}; the next start (the
     * database back) writes the rows and makes the kept charge, and empties the spool.
     */
    private Stopped stopWhileTheDatabaseIsDown(String yaml, Map<String, String> env) throws Exception {
        Path home;
        String fundedId;
        String refusedId;
        String servedId;
        try (TestGateway g = TestGateway.start(temp, yaml, env)) {
            home = g.homeDir;
            String funded = g.mintKey(new NewKey("funded", "default", false, List.of(), null, null, null, new BigDecimal("5")));
            fundedId = ApiKeys.parse(funded).orElseThrow().id();
            SqlCreditLedger ledger = new SqlCreditLedger(g.db, InstantSource.system());
            g.fake.headerDelay(Duration.ofSeconds(2));
            CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return Http.send(g.post("/v1/chat/completions", CHAT).setHeader("Authorization", "Bearer " + funded));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long held = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (ledger.balance(fundedId).orElseThrow().reservedUsd().signum() == 0 && System.nanoTime() < held) {
                Thread.sleep(10);
            }
            POSTGRES.server().stop();
            HttpResponse<String> served = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(served.statusCode()).isEqualTo(200);
            servedId = requestId(served);
            g.fake.headerDelay(Duration.ZERO);
            HttpResponse<String> refused;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            do {
                refused = Http.send(g.post("/v1/chat/completions", CHAT));
            } while (refused.statusCode() != 503 && System.nanoTime() < deadline);
            assertThat(refused.statusCode()).isEqualTo(503);
            refusedId = requestId(refused);

            g.stop(Duration.ofSeconds(5)); // graceful, with the database still down
            assertThat(java.nio.file.Files.list(home.resolve("spool")).toList()).as("kept for the next start").isNotEmpty();
            POSTGRES.server().restart();
        }
        try (TestGateway again = TestGateway.startIn(home, yaml, env)) {
            assertThat(again.awaitUsage(servedId).status()).isEqualTo(200);
            assertThat(again.awaitUsage(refusedId).errorCode()).isEqualTo("store_unavailable");
            long cost = again.awaitUsage(servedId).costNanos();
            CreditBalance balance = new SqlCreditLedger(again.db, InstantSource.system()).balance(fundedId).orElseThrow();
            assertThat(balance.reservedUsd()).isZero();
            assertThat(Money.toNanos(balance.balanceUsd())).as("the kept charge was made").isEqualTo(
                    Money.toNanos(new BigDecimal("5")) - cost);
            assertThat(java.nio.file.Files.list(home.resolve("spool")).toList()).isEmpty();
        }
        return new Stopped(home, env, servedId, refusedId);
    }
}
