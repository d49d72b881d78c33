package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The daily rollup must never change a report: over random rows (some recorded before the rollup
 * existed and backfilled by the migration, the rest written in random batches), random time ranges
 * cutting days anywhere, random filters and every grouping, each report equals the sums computed
 * directly from the rows.
 */
class UsageRollupPropertiesTest {

    private static final long DAY = UsageRollup.DAY_MS;
    private static final String[] KEYS = {null, "key-a", "key-b", "ü-key", ""};
    private static final String[] TENANTS = {null, "default", "team-a", "😀"};
    private static final String[] RUNS = {null, "run-1", "run-2"};
    private static final String[] SESSIONS = {null, "session-1", "session-2"};
    private static final String[] CLIENTS = {null, "claude-code", "codex_cli_rs"};
    private static final String[] MODELS = {null, "gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "Zeta"};
    private static final String[] PROVIDERS = {null, "openai", "anthropic"};

    @Property(tries = 60)
    void reportsEqualTheSumsOfTheRows(@ForAll long seed) throws Exception {
        Random r = new Random(seed);
        long baseDay = new long[] {-2, 0, 20_400}[r.nextInt(3)];
        List<UsageRow> rows = new ArrayList<>();
        int n = r.nextInt(400);
        for (int i = 0; i < n; i++) {
            rows.add(row(r, i, baseDay));
        }
        Path dir = Files.createTempDirectory("aegis-rollup");
        try {
            String url = "jdbc:sqlite:" + dir.resolve("aegis.db");
            int before = r.nextInt(n + 1);
            // rows written before the rollup existed have no agent session either (its columns came later)
            for (int i = 0; i < before; i++) {
                UsageRow o = rows.get(i);
                rows.set(i, new UsageRow(o.tsMillis(), o.requestId(), o.keyId(), o.tenant(), o.runId(), o.route(),
                        o.modelRequested(), o.model(), o.provider(), o.status(), o.errorCode(), o.inputTokens(),
                        o.cachedInputTokens(), o.cacheWriteTokens(), o.outputTokens(), o.reasoningTokens(), o.costNanos(),
                        o.unpriced(), o.priceVersion(), o.latencyMs(), o.firstByteMs(), o.streamed(), o.complete()));
            }
            writeBeforeTheRollup(url, rows.subList(0, before));
            try (Database db = Database.open(url)) {
                UsageStore store = new UsageStore(db);
                for (int i = before; i < n; ) {
                    int batch = 1 + r.nextInt(60);
                    store.insert(rows.subList(i, Math.min(n, i + batch)));
                    i += batch;
                }
                UsageQueries queries = new UsageQueries(db);
                for (int q = 0; q < 40; q++) {
                    UsageFilter filter = filter(r, rows, baseDay);
                    UsageGroup by = UsageGroup.values()[r.nextInt(UsageGroup.values().length)];
                    UsageReport report = queries.report(filter, by);
                    budgetSeedsEqualTheRows(queries, rows, filter);
                    assertThat(report.groups()).as("%s by %s", filter, by).isEqualTo(expected(rows, filter, by));
                    assertThat(report.total().requests()).isEqualTo(report.groups().stream().mapToLong(UsageTotals::requests).sum());
                    if (by != UsageGroup.DAY && by.rolledUp()) {
                        // the dashboard's breakdowns and series read the same sources: the same sums
                        assertThat(new UsageCells(db).reports(filter).get(by)).as("cells %s by %s", filter, by).isEqualTo(report);
                        for (UsageSeries.Bucket bucket : UsageSeries.Bucket.values()) {
                            Map<String, long[]> perGroup = new HashMap<>();
                            for (UsageSeries.Point p : new UsageSeries(db).series(filter, bucket, by)) {
                                long[] sum = perGroup.computeIfAbsent(p.group() == null ? "(none)" : p.group(), g -> new long[2]);
                                sum[0] += p.requests();
                                sum[1] += Money.toNanos(p.costUsd());
                            }
                            Map<String, long[]> expected = new HashMap<>();
                            report.groups().forEach(g -> expected.put(g.group(), new long[] {g.requests(), Money.toNanos(g.costUsd())}));
                            assertThat(perGroup).as("series %s %s by %s", bucket, filter, by)
                                    .usingRecursiveComparison().isEqualTo(expected);
                        }
                    }
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * What budgets start from (the tokens since a time per tenant and run, per key's runs and sessions;
     * a key's lifetime tokens) are the rows' sums too.
     */
    private static void budgetSeedsEqualTheRows(UsageQueries queries, List<UsageRow> rows, UsageFilter filter) {
        if (filter.sinceMillis() != null) {
            long since = filter.sinceMillis();
            for (UsageGroup by : List.of(UsageGroup.TENANT, UsageGroup.RUN)) {
                Function<UsageRow, String> group = by == UsageGroup.TENANT ? UsageRow::tenant : UsageRow::runId;
                Map<String, Long> expected = new HashMap<>();
                rows.stream().filter(row -> row.tsMillis() >= since && group.apply(row) != null)
                        .forEach(row -> expected.merge(group.apply(row), (long) row.inputTokens() + row.outputTokens(), Long::sum));
                assertThat(queries.tokensSince(since, by)).as("tokens since %d by %s", since, by).isEqualTo(expected);
            }
            Map<String, Map<String, Long>> runs = new HashMap<>();
            Map<String, Map<String, UsageQueries.Spent>> sessions = new HashMap<>();
            for (UsageRow row : rows) {
                if (row.tsMillis() < since || row.keyId() == null) {
                    continue;
                }
                long tokens = (long) row.inputTokens() + row.outputTokens();
                if (row.runId() != null) {
                    runs.computeIfAbsent(row.keyId(), k -> new HashMap<>()).merge(row.runId(), tokens, Long::sum);
                }
                String session = row.agentSession() == null ? null : row.agentSession().sessionId();
                if (session != null) {
                    sessions.computeIfAbsent(row.keyId(), k -> new HashMap<>()).merge(session,
                            new UsageQueries.Spent(tokens, row.costNanos()),
                            (a, b) -> new UsageQueries.Spent(a.tokens() + b.tokens(), a.costNanos() + b.costNanos()));
                }
            }
            assertThat(queries.spansSince(since)).as("runs and sessions since %d", since)
                    .isEqualTo(new UsageQueries.Spans(runs, sessions));
        }
        if (filter.keyId() != null) {
            long expected = rows.stream().filter(row -> filter.keyId().equals(row.keyId()))
                    .mapToLong(row -> (long) row.inputTokens() + row.outputTokens()).sum();
            assertThat(queries.tokensOfKey(filter.keyId())).as("tokens of key %s", filter.keyId()).isEqualTo(expected);
        }
    }

    private static UsageRow row(Random r, int i, long baseDay) {
        long ts = switch (r.nextInt(4)) {
            case 0 -> (baseDay + r.nextInt(5)) * DAY; // exactly midnight
            case 1 -> (baseDay + r.nextInt(5)) * DAY - 1; // the last millisecond of a day
            default -> baseDay * DAY + (long) (r.nextDouble() * 5 * DAY);
        };
        String model = pick(r, MODELS);
        return new UsageRow(ts, "req-" + i, pick(r, KEYS), pick(r, TENANTS), pick(r, RUNS), "/v1/chat/completions",
                r.nextInt(4) == 0 ? pick(r, MODELS) : model, model, pick(r, PROVIDERS), 200, null, r.nextInt(5000),
                r.nextInt(100), r.nextInt(3), r.nextInt(800), r.nextInt(50), r.nextInt(3) == 0 ? 0 : r.nextInt(1_000_000),
                false, "v", 1.0, null, false, true, null,
                new AgentSession(pick(r, SESSIONS), pick(r, SESSIONS), pick(r, CLIENTS)));
    }

    private static UsageFilter filter(Random r, List<UsageRow> rows, long baseDay) {
        return new UsageFilter(time(r, rows, baseDay), time(r, rows, baseDay), r.nextInt(4) == 0 ? pick(r, KEYS) : null,
                r.nextInt(4) == 0 ? pick(r, TENANTS) : null, r.nextInt(6) == 0 ? pick(r, RUNS) : null,
                r.nextInt(4) == 0 ? pick(r, MODELS) : null);
    }

    /** A bound: none, a row's own time (or one past it), a midnight (or next to it), or anywhere. */
    private static Long time(Random r, List<UsageRow> rows, long baseDay) {
        return switch (r.nextInt(5)) {
            case 0 -> null;
            case 1 -> rows.isEmpty() ? null : rows.get(r.nextInt(rows.size())).tsMillis() + r.nextInt(2);
            case 2 -> (baseDay - 1 + r.nextInt(7)) * DAY + (r.nextInt(3) - 1);
            default -> baseDay * DAY + (long) ((r.nextDouble() * 7 - 1) * DAY);
        };
    }

    private static <T> T pick(Random r, T[] values) {
        return values[r.nextInt(values.length)];
    }

    /** The report computed straight from the rows: the oracle. */
    private static List<UsageTotals> expected(List<UsageRow> rows, UsageFilter f, UsageGroup by) {
        Function<UsageRow, String> group = switch (by) {
            case KEY -> UsageRow::keyId;
            case MODEL -> UsageRow::model;
            case DAY -> row -> String.valueOf(Math.floorDiv(row.tsMillis(), DAY));
            case TENANT -> UsageRow::tenant;
            case RUN -> UsageRow::runId;
            case PROVIDER -> UsageRow::provider;
            case SESSION -> row -> row.agentSession().sessionId();
            case CLIENT -> row -> row.agentSession().client();
            case AGENT -> row -> row.agentSession().agentId();
        };
        Map<String, long[]> sums = new HashMap<>();
        for (UsageRow row : rows) {
            if ((f.sinceMillis() == null || row.tsMillis() >= f.sinceMillis())
                    && (f.untilMillis() == null || row.tsMillis() < f.untilMillis())
                    && (f.keyId() == null || f.keyId().equals(row.keyId()))
                    && (f.tenant() == null || f.tenant().equals(row.tenant()))
                    && (f.runId() == null || f.runId().equals(row.runId()))
                    && (f.model() == null || f.model().equals(row.model()) || f.model().equals(row.modelRequested()))) {
                long[] s = sums.computeIfAbsent(group.apply(row), g -> new long[7]);
                s[0]++;
                s[1] += row.inputTokens();
                s[2] += row.cachedInputTokens();
                s[3] += row.cacheWriteTokens();
                s[4] += row.outputTokens();
                s[5] += row.reasoningTokens();
                s[6] += row.costNanos();
            }
        }
        List<Map.Entry<String, long[]>> entries = new ArrayList<>(sums.entrySet());
        Comparator<Map.Entry<String, long[]>> order = by == UsageGroup.DAY
                ? Comparator.comparingLong(e -> Long.parseLong(e.getKey()))
                : Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[6])
                        .thenComparingLong(e -> -e.getValue()[0])
                        .thenComparing(Map.Entry::getKey, Comparator.nullsFirst((a, b) -> Arrays.compareUnsigned(
                                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8))));
        entries.sort(order);
        List<UsageTotals> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : entries) {
            long[] s = e.getValue();
            String label = e.getKey() == null ? "(none)"
                    : by == UsageGroup.DAY ? java.time.LocalDate.ofEpochDay(Long.parseLong(e.getKey())).toString() : e.getKey();
            out.add(new UsageTotals(label, s[0], s[1], s[2], s[3], s[4], s[5], BigDecimal.valueOf(s[6], 9)));
        }
        return out;
    }

    /** A database as version 4 left it (no rollup yet), holding some calls. */
    private static void writeBeforeTheRollup(String url, List<UsageRow> rows) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            Migrations.applyUpTo(c, 4);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO usage (ts_ms, request_id, key_id, tenant, run_id, "
                    + "route, model_requested, model, provider, status, input_tokens, cached_input_tokens, cache_write_tokens, "
                    + "output_tokens, reasoning_tokens, cost_nanos) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (UsageRow row : rows) {
                    Object[] v = {row.tsMillis(), row.requestId(), row.keyId(), row.tenant(), row.runId(), row.route(),
                        row.modelRequested(), row.model(), row.provider(), row.status(), row.inputTokens(),
                        row.cachedInputTokens(), row.cacheWriteTokens(), row.outputTokens(), row.reasoningTokens(),
                        row.costNanos()};
                    for (int i = 0; i < v.length; i++) {
                        ps.setObject(i + 1, v[i]);
                    }
                    ps.executeUpdate();
                }
            }
            c.commit();
        }
    }
}
