package dev.aegis.store;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Usage over time: sums per time bucket (hour or UTC day) and group (model, key, provider, tenant,
 * run), for the dashboard's stacked charts. Days are read as a report reads them ({@link ReportSources}):
 * whole days from the daily rollup, the partial ends from the raw rows; hours from the raw rows.
 */
public final class UsageSeries {

    /** The width of one bucket. */
    public enum Bucket {
        HOUR(3_600_000L, "(ts_ms / 3600000)", null),
        DAY(UsageRollup.DAY_MS, UsageRollup.DAY_SQL, "day");

        private final long millis;
        private final String raw;
        private final String rollup;

        Bucket(long millis, String raw, String rollup) {
            this.millis = millis;
            this.raw = raw;
            this.rollup = rollup;
        }

        public long millis() {
            return millis;
        }
    }

    /** One bucket of one group; {@code group} is null for calls without one. */
    public record Point(long startMillis, String group, long requests, long inputTokens, long outputTokens, BigDecimal costUsd) {}

    private final Database db;

    public UsageSeries(Database db) {
        this.db = db;
    }

    /**
     * The points in time order, then largest cost first.
     *
     * @param stack what each bucket is split by: key, model, provider, tenant, or run (which the rollup
     *     does not have: a series by run reads only raw rows, so callers keep its range short)
     */
    public List<Point> series(UsageFilter filter, Bucket bucket, UsageGroup stack) {
        if (stack == UsageGroup.DAY) {
            throw new IllegalArgumentException("a series is split by key, model, provider, tenant or run, not " + stack.label());
        }
        ReportSources.Grouping grouping = new ReportSources.Grouping(bucket.raw + ", " + stack.expression(),
                bucket.rollup == null || stack.rollupColumn() == null ? null : bucket.rollup + ", " + stack.rollupColumn(), 2);
        return db.read(c -> {
            Map<Cell, long[]> sums = new HashMap<>();
            for (ReportSources.Source source : ReportSources.of(filter, grouping)) {
                try (PreparedStatement ps = c.prepareStatement(source.sql())) {
                    for (int i = 0; i < source.args().size(); i++) {
                        ps.setObject(i + 1, source.args().get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            // columns: bucket, group, requests, input, cached, cache write, output, reasoning, cost
                            long[] s = sums.computeIfAbsent(new Cell(rs.getLong(1), rs.getString(2)), k -> new long[4]);
                            s[0] += rs.getLong(3);
                            s[1] += rs.getLong(4);
                            s[2] += rs.getLong(7);
                            s[3] += rs.getLong(9);
                        }
                    }
                }
            }
            List<Point> out = new ArrayList<>(sums.size());
            sums.forEach((cell, s) -> out.add(
                    new Point(cell.bucket * bucket.millis, cell.group, s[0], s[1], s[2], Money.toUsd(s[3]))));
            out.sort(Comparator.comparingLong(Point::startMillis).thenComparing(Point::costUsd, Comparator.reverseOrder())
                    .thenComparing(Point::group, Comparator.nullsFirst(Comparator.naturalOrder())));
            return out;
        });
    }

    private record Cell(long bucket, String group) {}
}
