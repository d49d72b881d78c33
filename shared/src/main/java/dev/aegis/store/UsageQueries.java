package dev.aegis.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;

/** The cost report behind both {@code aegis usage} and the daemon's usage routes. */
public final class UsageQueries {

    private static final String SUMS = "COUNT(*), COALESCE(SUM(input_tokens), 0), COALESCE(SUM(cached_input_tokens), 0), "
            + "COALESCE(SUM(cache_write_tokens), 0), COALESCE(SUM(output_tokens), 0), COALESCE(SUM(reasoning_tokens), 0), "
            + "COALESCE(SUM(cost_nanos), 0)";

    private final Database db;

    public UsageQueries(Database db) {
        this.db = db;
    }

    public UsageReport report(UsageFilter filter, UsageGroup by) {
        return db.read(c -> {
            Where where = Where.of(filter);
            List<UsageTotals> groups = new ArrayList<>();
            String sql = "SELECT " + by.expression() + " AS grp, " + SUMS + " FROM usage" + where.sql
                    + " GROUP BY grp ORDER BY " + (by == UsageGroup.DAY ? "grp" : "SUM(cost_nanos) DESC, COUNT(*) DESC, grp");
            try (PreparedStatement ps = prepare(c, sql, where); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    groups.add(totals(rs, by.label(rs.getString(1))));
                }
            }
            return new UsageReport(by, groups, sum(groups));
        });
    }

    /** Every column is additive, so the total is the sum of the groups: one scan instead of two. */
    private static UsageTotals sum(List<UsageTotals> groups) {
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

    private static PreparedStatement prepare(Connection c, String sql, Where where) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < where.args.size(); i++) {
            ps.setObject(i + 1, where.args.get(i));
        }
        return ps;
    }

    private static UsageTotals totals(ResultSet rs, String group) throws SQLException {
        return new UsageTotals(group, rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6), rs.getLong(7), Money.toUsd(rs.getLong(8)));
    }

    private record Where(String sql, List<Object> args) {
        static Where of(UsageFilter f) {
            List<String> parts = new ArrayList<>();
            List<Object> args = new ArrayList<>();
            add(parts, args, "ts_ms >= ?", f.sinceMillis());
            add(parts, args, "ts_ms < ?", f.untilMillis());
            add(parts, args, "key_id = ?", f.keyId());
            add(parts, args, "tenant = ?", f.tenant());
            add(parts, args, "run_id = ?", f.runId());
            add(parts, args, "(model = ? OR model_requested = ?)", f.model());
            if (f.model() != null) {
                args.add(f.model());
            }
            return new Where(parts.isEmpty() ? "" : " WHERE " + String.join(" AND ", parts), args);
        }

        private static void add(List<String> parts, List<Object> args, String clause, Object value) {
            if (value != null) {
                parts.add(clause);
                args.add(value);
            }
        }
    }
}
