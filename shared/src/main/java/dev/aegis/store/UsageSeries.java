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

    /** The group of every group beyond a series' top ones. */
    public static final String OTHER = "(other)";

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
        return series(filter, bucket, stack, Integer.MAX_VALUE);
    }

    /**
     * The points, split by at most {@code top} groups: the costliest of the range (ordered as {@code aegis usage} orders them);
     * every other group's calls are summed per bucket as {@link #OTHER}, in the database, so a
     * chart by run stays small however many runs there are. Calls without a group stay apart.
     */
    public List<Point> series(UsageFilter filter, Bucket bucket, UsageGroup stack, int top) {
        if (stack == UsageGroup.DAY) {
            throw new IllegalArgumentException("a series is split by key, model, provider, tenant or run, not " + stack.label());
        }
        String raw = stack.expression();
        String rollup = stack.rollupColumn();
        List<Object> kept = List.of();
        List<String> groups = new UsageQueries(db).report(filter, stack).groups().stream()
                .map(UsageTotals::group).filter(java.util.Objects::nonNull).toList();
        if (groups.size() > top) {
            kept = List.copyOf(groups.subList(0, top));
            raw = folded(raw, top);
            rollup = rollup == null ? null : folded(rollup, top);
        }
        ReportSources.Grouping grouping = new ReportSources.Grouping(bucket.raw + ", " + raw,
                bucket.rollup == null || rollup == null ? null : bucket.rollup + ", " + rollup, 2, kept);
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

    /** A group expression that keeps NULL and the {@code kept} values given as parameters, and names every other one {@link #OTHER}. */
    private static String folded(String expression, int kept) {
        return "CASE WHEN " + expression + " IS NULL THEN NULL WHEN " + expression + " IN ("
                + String.join(", ", java.util.Collections.nCopies(kept, "?")) + ") THEN " + expression + " ELSE '" + OTHER + "' END";
    }

    private record Cell(long bucket, String group) {}
}
