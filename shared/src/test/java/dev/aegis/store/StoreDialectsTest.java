package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.KeyRecord;
import dev.aegis.keys.NewKey;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every store class behaves the same on SQLite and on PostgreSQL. */
class StoreDialectsTest {

    private static final InstantSource CLOCK = InstantSource.system();

    @TempDir
    Path temp;

    private static KeyRecord key(Database db, String credits) {
        return new SqlKeyStore(db, CLOCK).create(new NewKey("k", "team-a", false, List.of("gpt-4o", "o3"), 60, null, null,
                credits == null ? null : new BigDecimal(credits), "run-1", 5000L), ApiKeys.mint());
    }

    /** {@code n} keyless gpt-4o calls from {@code ts} on, a millisecond apart, of {@code input} tokens each. */
    private static List<UsageRow> calls(long ts, int n, long input) {
        List<UsageRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(call(ts + i, null, "gpt-4o", input, 100));
        }
        return rows;
    }

    private static UsageRow call(long ts, String keyId, String model, long input, long cost) {
        return new UsageRow(ts, "req-" + ts, keyId, "team-a", "run-1", "/v1/chat/completions", model, model, "openai", 200,
                null, input, 1, 2, 10, 3, cost, false, "v", 1.5, null, true, true);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void keysAreStoredFoundListedAndRevoked(Dialect dialect) {
        try (Database db = TestStores.open(dialect, temp)) {
            assertThat(db.dialect()).isEqualTo(dialect);
            SqlKeyStore keys = new SqlKeyStore(db, CLOCK);
            KeyRecord k = key(db, "1.50");
            KeyRecord found = keys.find(k.id()).orElseThrow();
            assertThat(found.models()).containsExactly("gpt-4o", "o3");
            assertThat(found.rpm()).isEqualTo(60);
            assertThat(found.tpm()).isNull();
            assertThat(found.tokenBudget()).isEqualTo(5000L);
            assertThat(found.revokedAt()).isNull();
            assertThat(keys.list()).extracting(KeyRecord::id).containsExactly(k.id());
            assertThat(keys.revoke(k.id())).isTrue();
            assertThat(keys.find(k.id()).orElseThrow().revokedAt()).isNotNull();
            assertThat(keys.revoke("nope")).isFalse();
            assertThat(new SqlCreditLedger(db, CLOCK).balance(k.id()).orElseThrow().balanceUsd())
                    .isEqualByComparingTo("1.50");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theLastVerifyOfEachTrailIsKept(Dialect dialect) {
        try (Database db = TestStores.open(dialect, temp)) {
            ReceiptVerifications verifications = new ReceiptVerifications(db);
            Path trail = temp.resolve("receipts");
            assertThat(verifications.last(trail)).isEmpty();
            verifications.record(trail, new ReceiptVerification(1000, true, 12, 12L, null));
            assertThat(verifications.last(trail.resolve("x/..")))
                    .contains(new ReceiptVerification(1000, true, 12, 12L, null));
            verifications.record(trail, new ReceiptVerification(2000, false, 3, null, "a.jsonl:4: bad signature"));
            assertThat(verifications.last(trail)).contains(new ReceiptVerification(2000, false, 3, null, "a.jsonl:4: bad signature"));
            assertThat(verifications.last(temp.resolve("other"))).isEmpty();
        }
    }

    /**
     * A settlement written again (its commit reached the database, its answer did not, and the charge
     * was retried or kept by a stop) charges the call once, also after its reservation was released.
     */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aSettlementWrittenAgainChargesOnce(Dialect dialect) {
        try (Database db = TestStores.open(dialect, temp)) {
            String id = key(db, "0.000001").id(); // 1000 nano-USD
            SqlCreditLedger ledger = new SqlCreditLedger(db, CLOCK, "daemon-a");
            Reservation r = ledger.reserve(id, 600).orElseThrow();
            assertThat(ledger.settle(r, 300)).isEqualTo(700);
            assertThat(ledger.settle(r, 300)).as("the same settlement again").isEqualTo(700);
            Reservation released = ledger.reserve(id, 100).orElseThrow();
            assertThat(ledger.releaseAll()).isEqualTo(1);
            assertThat(ledger.settle(released, 50)).as("a hold released before its call settled is still charged").isEqualTo(650);
            assertThat(ledger.settle(released, 50)).isEqualTo(650);
            assertThat(ledger.balance(id).orElseThrow().reservedUsd()).isEqualByComparingTo("0");
        }
    }

    /**
     * The usage writer may split one batch of receipts (its own batch bound, a linger ending while rows
     * are handed over): the head moves only with the row of its receipt, and the rows after the split
     * are stored, not taken for stored because the head covered them.
     */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void rowsOfOneReceiptBatchSplitAcrossWritesAreAllStored(Dialect dialect) {
        long day = 20_200L * UsageRollup.DAY_MS;
        try (Database db = TestStores.open(dialect, temp)) {
            UsageStore store = new UsageStore(db);
            List<UsageRow> batch = calls(day, 5, 1);
            ReceiptHead afterBatch = new ReceiptHead(5, "a".repeat(64), "fp", "inst");
            store.insertSigned(batch.subList(0, 3), 1, afterBatch);
            assertThat(new ReceiptHeadStore(db).head("inst")).as("not past the rows stored").isEmpty();
            store.insertSigned(batch.subList(3, 5), 4, afterBatch);

            assertThat(new UsageQueries(db).report(UsageFilter.ALL, UsageGroup.MODEL).total().requests()).isEqualTo(5);
            assertThat(new ReceiptHeadStore(db).head("inst")).get().extracting(ReceiptHead::seq).isEqualTo(5L);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void creditsAreReservedSettledAndReleasedPerHolder(Dialect dialect) {
        try (Database db = TestStores.open(dialect, temp)) {
            String id = key(db, "0.000001").id(); // 1000 nano-USD
            SqlCreditLedger a = new SqlCreditLedger(db, CLOCK, "daemon-a");
            SqlCreditLedger b = new SqlCreditLedger(db, CLOCK, "daemon-b");
            Reservation first = a.reserve(id, 600).orElseThrow();
            assertThat(first.availableNanos()).isEqualTo(400);
            Reservation second = b.reserve(id, 600).orElseThrow(); // 400 left: admitted, may overdraw by its estimate
            assertThat(second.availableNanos()).isEqualTo(-200);
            assertThatThrownBy(() -> a.reserve(id, 1)).isInstanceOf(InsufficientCreditsException.class);
            assertThat(a.settle(first, 500)).isEqualTo(500);
            // daemon-a restarting releases its own holds only: daemon-b's call is still in flight.
            assertThat(a.releaseAll()).isZero();
            assertThat(a.balance(id).orElseThrow().reservedUsd()).isEqualByComparingTo(Money.toUsd(600));
            assertThat(b.releaseAll()).isEqualTo(1);
            assertThat(a.balance(id).orElseThrow().reservedUsd()).isEqualByComparingTo("0");
            assertThat(b.settle(second, 100)).isEqualTo(400); // released meanwhile: still charged
            assertThat(a.add(id, new BigDecimal("0.000001")).balanceUsd()).isEqualByComparingTo(Money.toUsd(1400));
            assertThat(a.reserve("no-account", 5)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void anotherDaemonReleasesHoldsTheirDaemonStoppedRenewing(Dialect dialect) {
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
                new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.parse("2026-12-07T10:00:00Z"));
        InstantSource clock = now::get;
        java.time.Duration abandoned = java.time.Duration.ofMinutes(2);
        try (Database db = TestStores.open(dialect, temp)) {
            String id = key(db, "0.000001").id(); // 1000 nano-USD
            SqlCreditLedger live = new SqlCreditLedger(db, clock, "daemon-live");
            SqlCreditLedger dead = new SqlCreditLedger(db, clock, "daemon-dead"); // killed, never to start again as itself
            SqlCreditLedger other = new SqlCreditLedger(db, clock, "daemon-other");
            Reservation kept = live.reserve(id, 300).orElseThrow();
            dead.reserve(id, 400).orElseThrow();
            assertThat(other.renew()).as("holds nothing: nothing to renew").isZero();

            now.set(now.get().plusSeconds(90));
            assertThat(live.renew()).isEqualTo(1);
            assertThat(other.releaseAbandoned(abandoned)).as("both renewed or made within 2 minutes").isZero();
            now.set(now.get().plusSeconds(60)); // the dead daemon's hold is 150 s old, the live one's renewed 60 s ago
            assertThat(live.releaseAbandoned(abandoned)).isEqualTo(1);
            assertThat(other.balance(id).orElseThrow().reservedUsd()).isEqualByComparingTo(Money.toUsd(300));
            assertThat(other.releaseAbandoned(abandoned)).as("released once").isZero();
            assertThat(other.reserve(id, 100)).as("the key's credits are no longer held by the dead daemon").isPresent();

            now.set(now.get().plusSeconds(150)); // the live daemon stops renewing too (its store unreachable)
            assertThat(other.releaseAbandoned(abandoned)).isEqualTo(1);
            assertThat(live.settle(kept, 250)).as("released meanwhile: still charged, once").isEqualTo(750);
            assertThat(live.renew()).as("nothing of its own left to renew").isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void usageReportsAreTheSameFromRowsAndRollup(Dialect dialect) {
        long day = 20_400L * UsageRollup.DAY_MS;
        try (Database db = TestStores.open(dialect, temp)) {
            String k = key(db, null).id();
            new UsageStore(db).insert(List.of(call(day + 10, k, "gpt-4o", 1, 100), call(day + 20, k, "gpt-4o", 2, 200),
                    call(day + UsageRollup.DAY_MS + 5, k, "o3", 4, 400), call(-5, null, "o3", 8, 800)));
            new UsageStore(db).insert(List.of(call(day + 30, k, "gpt-4o", 16, 1600)));
            UsageQueries q = new UsageQueries(db);
            UsageReport byModel = q.report(UsageFilter.ALL, UsageGroup.MODEL);
            assertThat(byModel.total().requests()).isEqualTo(5);
            assertThat(byModel.total().input()).isEqualTo(31);
            assertThat(byModel.total().costUsd()).isEqualByComparingTo(Money.toUsd(3100));
            UsageReport byDay = q.report(new UsageFilter(day, day + 2 * UsageRollup.DAY_MS, null, null, null, null), UsageGroup.DAY);
            assertThat(byDay.groups()).extracting(UsageTotals::group).containsExactly("2025-11-08", "2025-11-09");
            assertThat(q.report(new UsageFilter(day + 15, null, k, null, null, "gpt-4o"), UsageGroup.KEY).total().input())
                    .isEqualTo(18);
            assertThat(q.report(UsageFilter.ALL, UsageGroup.DAY).groups()).extracting(UsageTotals::group)
                    .contains("1969-12-31");
            assertThat(q.report(UsageFilter.ALL, UsageGroup.RUN).total().requests()).isEqualTo(5);
            assertThat(q.tokensOfKey(k)).isEqualTo(1 + 2 + 4 + 16 + 4 * 10);
            assertThat(q.tokensSince(day, UsageGroup.TENANT)).containsEntry("team-a", 23L + 40);
        }
    }

    /**
     * A batch of any length stores each row once, with its own values and receipt number: on PostgreSQL
     * the rows go in multi-row INSERTs of 64, 32, ... rows (103 = 64 + 32 + 4 + 2 + 1; 70 = 64 + 4 + 2).
     */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aBatchOfAnyLengthStoresEachRowOnceWithItsReceiptNumber(Dialect dialect) {
        long day = 20_500L * UsageRollup.DAY_MS;
        try (Database db = TestStores.open(dialect, temp)) {
            UsageStore store = new UsageStore(db);
            List<UsageRow> signed = new java.util.ArrayList<>();
            for (int i = 0; i < 103; i++) {
                signed.add(call(day + i, null, "gpt-4o", i + 1, 100));
            }
            store.insertSigned(signed, 1, new ReceiptHead(103, "a".repeat(64), "fp", "inst"));
            List<UsageRow> unsigned = new java.util.ArrayList<>();
            for (int i = 0; i < 70; i++) {
                unsigned.add(call(day + 1000 + i, null, "o3", 1000 + i, 100));
            }
            store.insert(unsigned);

            List<String> rows = db.read(c -> {
                List<String> out = new java.util.ArrayList<>();
                try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(
                        "SELECT ts_ms, request_id, input_tokens, receipt_seq, receipt_instance FROM usage ORDER BY ts_ms")) {
                    while (rs.next()) {
                        out.add((rs.getLong(1) - day) + " " + rs.getString(2).substring(4).equals(Long.toString(rs.getLong(1)))
                                + " " + rs.getLong(3) + " " + rs.getObject(4) + " " + rs.getString(5));
                    }
                }
                return out;
            });
            List<String> expected = new java.util.ArrayList<>();
            for (int i = 0; i < 103; i++) {
                expected.add(i + " true " + (i + 1) + " " + (i + 1) + " inst");
            }
            for (int i = 0; i < 70; i++) {
                expected.add((1000 + i) + " true " + (1000 + i) + " null null");
            }
            assertThat(rows).containsExactlyElementsOf(expected);
            assertThat(new UsageQueries(db).report(UsageFilter.ALL, UsageGroup.MODEL).total().input())
                    .as("the daily rollup in step").isEqualTo(103 * 104 / 2 + 70 * 1000 + 69 * 70 / 2);
        }
    }

    /**
     * A batch whose commit reached the database but whose answer did not (the database went down at
     * that moment) is written again by the writer, then with the rows that came since: each row is
     * stored once, and the daily rollup counts it once.
     */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aSignedBatchWrittenAgainIsStoredOnce(Dialect dialect) {
        long day = 20_300L * UsageRollup.DAY_MS;
        try (Database db = TestStores.open(dialect, temp)) {
            UsageStore store = new UsageStore(db);
            List<UsageRow> batch = calls(day, 5, 1);
            store.insertSigned(batch, 1, new ReceiptHead(5, "a".repeat(64), "fp", "inst"));
            store.insertSigned(batch, 1, new ReceiptHead(5, "a".repeat(64), "fp", "inst"));
            List<UsageRow> grown = new java.util.ArrayList<>(batch);
            grown.add(call(day + 5, null, "gpt-4o", 10, 100));
            grown.add(call(day + 6, null, "gpt-4o", 10, 100));
            store.insertSigned(grown, 1, new ReceiptHead(7, "b".repeat(64), "fp", "inst"));
            // Another daemon's trail is its own: its rows numbered 1.. are not this one's.
            store.insertSigned(List.of(call(day + 50, null, "o3", 100, 100)), 1, new ReceiptHead(1, "c".repeat(64), "fp", "other"));

            UsageReport byModel = new UsageQueries(db).report(UsageFilter.ALL, UsageGroup.MODEL);
            assertThat(byModel.total().requests()).isEqualTo(8);
            assertThat(byModel.total().input()).as("the daily rollup counts each row once").isEqualTo(5 + 20 + 100);
            long rows = db.read(c -> {
                try (java.sql.Statement st = c.createStatement();
                        java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*), COUNT(DISTINCT receipt_instance || ':' || receipt_seq) FROM usage")) {
                    rs.next();
                    assertThat(rs.getLong(2)).as("distinct receipts").isEqualTo(rs.getLong(1));
                    return rs.getLong(1);
                }
            });
            assertThat(rows).isEqualTo(8);
            assertThat(new ReceiptHeadStore(db).head("inst")).get().extracting(ReceiptHead::seq).isEqualTo(7L);
        }
    }

    /** The writers' statements are kept across transactions (SQLite): a failed batch leaves nothing behind for the next. */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void signedRowsAfterAFailedBatchAreStoredOnceWithTheirHead(Dialect dialect) {
        long day = 20_400L * UsageRollup.DAY_MS;
        try (Database db = TestStores.open(dialect, temp)) {
            UsageStore store = new UsageStore(db);
            List<UsageRow> first = calls(day, 20, 1);
            store.insertSigned(first, 1, new ReceiptHead(20, "a".repeat(64), "fp", "inst"));
            List<UsageRow> failing = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                UsageRow r = call(day + 100 + i, null, "gpt-4o", 1000, 100);
                // After the first 16 rows went to the database: the 19th cannot be stored (request_id is NOT NULL).
                failing.add(i == 18 ? new UsageRow(r.tsMillis(), null, null, "team-a", "run-1", "/v1/chat/completions", "gpt-4o",
                        "gpt-4o", "openai", 200, null, 1000, 1, 2, 10, 3, 100, false, "v", 1.5, null, true, true) : r);
            }
            assertThatThrownBy(() -> store.insertSigned(failing, 21, new ReceiptHead(40, "b".repeat(64), "fp", "inst")))
                    .isInstanceOf(StoreException.class);
            store.insertSigned(List.of(call(day + 200, null, "o3", 2, 100), call(day + 201, null, "o3", 4, 100)), 21,
                    new ReceiptHead(22, "c".repeat(64), "fp", "inst"));
            store.insertSigned(List.of(call(day + 300, null, "o3", 8, 100)), 23, new ReceiptHead(23, "d".repeat(64), "fp", "inst"));

            UsageReport byModel = new UsageQueries(db).report(UsageFilter.ALL, UsageGroup.MODEL);
            assertThat(byModel.total().requests()).isEqualTo(23);
            assertThat(byModel.total().input()).as("no row of the failed batch").isEqualTo(20 + 2 + 4 + 8);
            assertThat(new ReceiptHeadStore(db).head("inst")).get().extracting(ReceiptHead::seq, ReceiptHead::hash)
                    .containsExactly(23L, "d".repeat(64));
            assertThat(new ReceiptHeadStore(db).highestUsageReceipt("inst")).isEqualTo(23);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aSeriesKeepsItsCostliestGroupsAndSumsTheRestAsOther(Dialect dialect) {
        long day = 20_400L * UsageRollup.DAY_MS;
        try (Database db = TestStores.open(dialect, temp)) {
            String k = key(db, null).id();
            new UsageStore(db).insert(List.of(call(day + 10, k, "a", 1, 100), call(day + 20, k, "b", 2, 400),
                    call(day + 30, k, "c", 4, 300), call(day + UsageRollup.DAY_MS + 5, k, "d", 8, 200),
                    call(day + UsageRollup.DAY_MS + 6, k, "a", 16, 100)));
            UsageSeries series = new UsageSeries(db);
            for (UsageSeries.Bucket bucket : UsageSeries.Bucket.values()) { // days from the rollup, hours from the rows
                List<UsageSeries.Point> points = series.series(UsageFilter.ALL, bucket, UsageGroup.MODEL, 2);
                assertThat(points).extracting(UsageSeries.Point::group).as(bucket.name())
                        .containsOnly("b", "c", UsageSeries.OTHER);
                assertThat(points.stream().mapToLong(UsageSeries.Point::inputTokens).sum()).isEqualTo(31);
                assertThat(points).filteredOn(p -> p.group().equals(UsageSeries.OTHER))
                        .extracting(UsageSeries.Point::inputTokens).containsExactly(1L, 24L);
                assertThat(series.series(UsageFilter.ALL, bucket, UsageGroup.MODEL, 4)).extracting(UsageSeries.Point::group)
                        .containsOnly("a", "b", "c", "d");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void sessionsAgentsAndClientsAndSessionBudgetsAreStored(Dialect dialect) {
        try (Database db = TestStores.open(dialect, temp)) {
            SqlKeyStore keys = new SqlKeyStore(db, CLOCK);
            KeyRecord k = keys.create(new NewKey("s", "team-a", false, List.of(), null, null, null, null, null, null, null,
                    false, new dev.aegis.keys.SessionBudget(9000L, new BigDecimal("2.5"))), ApiKeys.mint());
            assertThat(keys.find(k.id()).orElseThrow().sessionBudget())
                    .isEqualTo(new dev.aegis.keys.SessionBudget(9000L, new BigDecimal("2.500000000")));
            UsageRow c = call(1000, k.id(), "gpt-4o", 20, 700);
            new UsageStore(db).insert(List.of(new UsageRow(c.tsMillis(), c.requestId(), c.keyId(), c.tenant(), c.runId(),
                    c.route(), c.modelRequested(), c.model(), c.provider(), c.status(), c.errorCode(), c.inputTokens(),
                    c.cachedInputTokens(), c.cacheWriteTokens(), c.outputTokens(), c.reasoningTokens(), c.costNanos(),
                    c.unpriced(), c.priceVersion(), c.latencyMs(), c.firstByteMs(), c.streamed(), c.complete(), null,
                    new AgentSession("sess-1", "agent-1", "codex_cli_rs")), call(2000, k.id(), "gpt-4o", 1, 1)));
            UsageQueries q = new UsageQueries(db);
            assertThat(q.report(UsageFilter.ALL, UsageGroup.SESSION).groups()).extracting(UsageTotals::group)
                    .containsExactly("sess-1", "(none)");
            assertThat(q.report(UsageFilter.ALL, UsageGroup.AGENT).groups().getFirst().group()).isEqualTo("agent-1");
            assertThat(q.report(UsageFilter.ALL, UsageGroup.CLIENT).groups().getFirst().group()).isEqualTo("codex_cli_rs");
            assertThat(q.report(UsageFilter.ALL, UsageGroup.SESSION).groups().getFirst().cacheHitRate())
                    .isEqualByComparingTo("0.05");
            assertThat(q.spansSince(0).sessions()).isEqualTo(Map.of(k.id(), Map.of("sess-1", new UsageQueries.Spent(30, 700))));
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void thePromptLogKeepsTheNewestEntries(Dialect dialect) {
        try (Database db = TestStores.open(dialect, temp)) {
            PromptLogStore log = new PromptLogStore(db);
            for (int i = 0; i < 5; i++) {
                log.insert(List.of(new PromptLogEntry(i, "req-" + i, null, "/v1/chat/completions", "gpt-4o", 200, null, 1, 2,
                        "asked " + i, "answered", 0)), 3);
            }
            assertThat(log.count()).isEqualTo(3);
            assertThat(log.latest(10)).extracting(PromptLogEntry::requestId).containsExactly("req-4", "req-3", "req-2");
        }
    }

    @Test
    void postgresqlMigratesOnceWhenDaemonsOpenItTogether() throws Exception {
        String url = TestStores.url(Dialect.POSTGRESQL, temp);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Void>> opened = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                opened.add(pool.submit(() -> {
                    go.await();
                    Database.open(url).close();
                    return null;
                }));
            }
            go.countDown();
            for (Future<Void> f : opened) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        try (Database db = Database.open(url)) {
            int versions = db.read(c -> {
                try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM schema_version")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(versions).isEqualTo(Migrations.latest());
        }
    }

    /**
     * Two daemons (two pools) on one PostgreSQL, 64 calls at once on a balance of a few calls:
     * admitted calls overdraw by at most one estimate, because the check and the hold are one statement.
     */
    @Test
    void twoPoolsCannotOverspendASharedBalance() throws Exception {
        String url = TestStores.url(Dialect.POSTGRESQL, temp);
        long estimate = 1000;
        try (Database one = Database.open(url, Database.PageCache.APPENDS);
                Database two = Database.open(url, Database.PageCache.APPENDS)) {
            String id = key(one, null).id();
            new SqlCreditLedger(one, CLOCK).add(id, Money.toUsd(5 * estimate));
            List<SqlCreditLedger> ledgers = List.of(new SqlCreditLedger(one, CLOCK, "a"), new SqlCreditLedger(two, CLOCK, "b"));
            AtomicInteger admitted = new AtomicInteger();
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                SqlCreditLedger ledger = ledgers.get(i % 2);
                calls.add(pool.submit(() -> {
                    go.await();
                    try {
                        Reservation r = ledger.reserve(id, estimate).orElseThrow();
                        admitted.incrementAndGet();
                        ledger.settle(r, estimate); // the call cost what was estimated
                    } catch (InsufficientCreditsException refused) {
                        // 402
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : calls) {
                f.get();
            }
            pool.shutdown();
            CreditBalance end = ledgers.get(0).balance(id).orElseThrow();
            assertThat(end.reservedUsd()).isEqualByComparingTo("0");
            assertThat(Money.toNanos(end.balanceUsd())).isGreaterThanOrEqualTo(0); // exact estimates: no overdraft at all
            assertThat(admitted.get()).isBetween(5, 5);
        }
    }
}
