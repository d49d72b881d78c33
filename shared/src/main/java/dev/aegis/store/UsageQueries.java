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
            GroupedSums sums = new GroupedSums(by);
            for (ReportSources.Source source : ReportSources.of(filter, by)) {
                try (PreparedStatement ps = prepare(c, source); ResultSet rs = ps.executeQuery()) {
                    sums.add(rs);
                }
            }
            List<UsageTotals> groups = sums.ordered();
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

    /**
     * Tokens (input + output) used since a time, per tenant or per run: what budgets start from
     * when a daemon starts.
     */
    public Map<String, Long> tokensSince(long sinceMillis, UsageGroup by) {
        return db.read(c -> {
            Map<String, Long> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + by.expression() + ", SUM(input_tokens + output_tokens) "
                    + "FROM usage WHERE ts_ms >= ? AND " + by.expression() + " IS NOT NULL GROUP BY 1")) {
                ps.setLong(1, sinceMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            return out;
        });
    }

    /** Tokens (input + output) per key id, then per run id, since a time. */
    public Map<String, Map<String, Long>> runTokensSince(long sinceMillis) {
        Map<String, Map<String, Long>> out = new HashMap<>();
        perKeySince(sinceMillis, "run_id").forEach((key, runs) -> {
            Map<String, Long> tokens = new HashMap<>();
            runs.forEach((run, spent) -> tokens.put(run, spent.tokens()));
            out.put(key, tokens);
        });
        return out;
    }

    /** What a key spent on one run or session. */
    public record Spent(long tokens, long costNanos) {}

    /** Tokens (input + output) and cost per key id, then per session id, since a time. */
    public Map<String, Map<String, Spent>> sessionSpendSince(long sinceMillis) {
        return perKeySince(sinceMillis, "session_id");
    }

    /** @param column {@code run_id} or {@code session_id} */
    private Map<String, Map<String, Spent>> perKeySince(long sinceMillis, String column) {
        return db.read(c -> {
            Map<String, Map<String, Spent>> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT key_id, " + column + ", SUM(input_tokens + output_tokens), "
                    + "SUM(cost_nanos) FROM usage WHERE ts_ms >= ? AND key_id IS NOT NULL AND " + column + " IS NOT NULL "
                    + "GROUP BY 1, 2")) {
                ps.setLong(1, sinceMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                                .put(rs.getString(2), new Spent(rs.getLong(3), rs.getLong(4)));
                    }
                }
            }
            return out;
        });
    }

    /** Every token (input + output) a key has used. */
    public long tokensOfKey(String keyId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COALESCE(SUM(input_tokens + output_tokens), 0) FROM usage WHERE key_id = ?")) {
                ps.setString(1, keyId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
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
