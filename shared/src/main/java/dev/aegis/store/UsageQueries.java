package dev.aegis.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.List;

/** The cost report behind both {@code aegis usage} and the daemon's usage routes. */
public final class UsageQueries {

    private final Database db;

    public UsageQueries(Database db) {
        this.db = db;
    }

    /**
     * The report: whole days come from the daily rollup, partial days and what the rollup cannot
     * serve from the raw rows (see {@link ReportSources}); the sums are exactly those of the rows.
     */
    public UsageReport report(UsageFilter filter, UsageGroup by) {
        return db.read(c -> {
            List<UsageTotals> groups = sums(c, filter, by).ordered();
            return new UsageReport(by, groups, sum(groups), by == UsageGroup.KEY ? keyNames(c, groups) : Map.of());
        });
    }

    /** A key's name; null for a key not stored. */
    public String keyName(String keyId) {
        return db.read(c -> keyNames(c, List.of(new UsageTotals(keyId, 0, 0, 0, 0, 0, 0, java.math.BigDecimal.ZERO))))
                .get(keyId);
    }

    /** The names of the groups' keys, by id. */
    static Map<String, String> keyNames(Connection c, List<UsageTotals> groups) throws SQLException {
        Map<String, String> names = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM api_keys WHERE id = ?")) {
            for (UsageTotals g : groups) {
                ps.setString(1, g.group());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getString(1) != null) {
                        names.put(g.group(), rs.getString(1));
                    }
                }
            }
        }
        return names;
    }

    /** Every column is additive, so the total is the sum of the groups: one scan instead of two. */
    static UsageTotals sum(List<UsageTotals> groups) {
        long requests = 0;
        long input = 0;
        long cached = 0;
        long write = 0;
        long output = 0;
        long reasoning = 0;
        java.math.BigDecimal cost = java.math.BigDecimal.ZERO;
        for (UsageTotals g : groups) {
            requests += g.requests();
            input += g.input();
            cached += g.cachedInput();
            write += g.cacheWrite();
            output += g.output();
            reasoning += g.reasoning();
            cost = cost.add(g.costUsd());
        }
        return new UsageTotals("total", requests, input, cached, write, output, reasoning, cost);
    }

    /** The report's sums per group, from its sources (whole days from the rollup, the rest from the rows). */
    private static GroupedSums sums(Connection c, UsageFilter filter, UsageGroup by) throws SQLException {
        GroupedSums sums = new GroupedSums(by);
        for (ReportSources.Source source : ReportSources.of(filter, by)) {
            try (PreparedStatement ps = prepare(c, source); ResultSet rs = ps.executeQuery()) {
                sums.add(rs);
            }
        }
        return sums;
    }

    /**
     * Tokens (input + output) used since a time, per tenant or per run: what budgets start from
     * when a daemon starts. Whole days come from the daily rollup: a start after a day of a million
     * calls read them all from the rows (≈ 0.5 s for the tenants' sums on a 2-vCPU machine).
     */
    public Map<String, Long> tokensSince(long sinceMillis, UsageGroup by) {
        return db.read(c -> {
            Map<String, Long> out = sums(c, new UsageFilter(sinceMillis, null, null, null, null, null), by).tokensByGroup();
            out.remove(null);
            return out;
        });
    }

    /** What a key spent on one run or session. */
    public record Spent(long tokens, long costNanos) {}

    /**
     * What each key spent per run and per session since a time: tokens per run, tokens and cost per
     * session (what their budgets start from).
     */
    public record Spans(Map<String, Map<String, Long>> runTokens, Map<String, Map<String, Spent>> sessions) {}

    /**
     * {@link Spans} since a time, in one pass over the rows (a run's or a session's sums are not in the
     * daily rollup): grouped by key, run and session together, then summed per run and per session.
     */
    public Spans spansSince(long sinceMillis) {
        return db.read(c -> {
            Map<String, Map<String, Long>> runs = new HashMap<>();
            Map<String, Map<String, Spent>> sessions = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT key_id, run_id, session_id, "
                    + "SUM(input_tokens + output_tokens), SUM(cost_nanos) FROM usage WHERE ts_ms >= ? AND key_id IS NOT NULL "
                    + "AND (run_id IS NOT NULL OR session_id IS NOT NULL) GROUP BY 1, 2, 3")) {
                ps.setLong(1, sinceMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String key = rs.getString(1);
                        String run = rs.getString(2);
                        String session = rs.getString(3);
                        long tokens = rs.getLong(4);
                        long cost = rs.getLong(5);
                        if (run != null) {
                            runs.computeIfAbsent(key, k -> new HashMap<>()).merge(run, tokens, Long::sum);
                        }
                        if (session != null) {
                            sessions.computeIfAbsent(key, k -> new HashMap<>()).merge(session, new Spent(tokens, cost),
                                    (a, b) -> new Spent(a.tokens() + b.tokens(), a.costNanos() + b.costNanos()));
                        }
                    }
                }
            }
            return new Spans(runs, sessions);
        });
    }

    /**
     * Every token (input + output) a key has used, from the daily rollup: read when a key with a
     * lifetime budget is first checked, on its call's way (from the rows, 0.8 s for a key with a
     * million calls).
     */
    public long tokensOfKey(String keyId) {
        return db.read(c -> sums(c, new UsageFilter(null, null, keyId, null, null, null), UsageGroup.KEY).tokensByGroup()
                .values().stream().mapToLong(Long::longValue).sum());
    }

    /**
     * The models a run called that have no price, answered with tokens (they cost 0 and are held to no credit or
     * USD budget under {@code pricing.unknown: allow}), each with its number of calls, the most called first.
     */
    public Map<String, Long> unpricedModelsOfRun(String runId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT model, COUNT(*) FROM usage WHERE run_id = ? AND unpriced = 1"
                    + " AND input_tokens + output_tokens > 0 AND model IS NOT NULL GROUP BY model ORDER BY COUNT(*) DESC, model")) {
                ps.setString(1, runId);
                Map<String, Long> models = new java.util.LinkedHashMap<>();
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        models.put(rs.getString(1), rs.getLong(2));
                    }
                }
                return models;
            }
        });
    }

    private static PreparedStatement prepare(Connection c, ReportSources.Source source) throws SQLException {
        PreparedStatement ps = c.prepareStatement(source.sql());
        for (int i = 0; i < source.args().size(); i++) {
            ps.setObject(i + 1, source.args().get(i));
        }
        return ps;
    }
}
