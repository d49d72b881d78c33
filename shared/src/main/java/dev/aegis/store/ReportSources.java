package dev.aegis.store;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a usage report reads its sums: whole UTC days from the daily rollup, the partial first and
 * last days of the range from the raw rows. A report the rollup cannot serve (by run, or filtered
 * on a run) reads only raw rows. Each source is a grouped query with the same columns, so the
 * report is the sum of their groups.
 */
final class ReportSources {

    /** Times this far from 1970 (about 31,000 years) are not split into days; the raw rows answer. */
    private static final long SPLIT_LIMIT_MS = 1_000_000_000_000_000L;

    private static final String SUMS = "COUNT(*), COALESCE(SUM(input_tokens), 0), COALESCE(SUM(cached_input_tokens), 0), "
            + "COALESCE(SUM(cache_write_tokens), 0), COALESCE(SUM(output_tokens), 0), COALESCE(SUM(reasoning_tokens), 0), "
            + "COALESCE(SUM(cost_nanos), 0)";
    private static final String ROLLUP_SUMS = "SUM(requests), SUM(input_tokens), SUM(cached_input_tokens), "
            + "SUM(cache_write_tokens), SUM(output_tokens), SUM(reasoning_tokens), SUM(cost_nanos)";

    /** One grouped query: its columns are the group, then the seven sums of {@link GroupedSums#add}. */
    record Source(String sql, List<Object> args) {}

    private ReportSources() {}

    static List<Source> of(UsageFilter f, UsageGroup by) {
        return of(f, new Grouping(by.expression(), by.rollupColumn(), 1));
    }

    /**
     * The group columns of a query: over the raw rows, over the rollup (null when it cannot serve
     * them), how many there are ({@code "a, b"} is two: a time bucket and a group, say), and the
     * values of the {@code ?} in them (bound before the filter's).
     */
    record Grouping(String raw, String rollup, int columns, List<Object> args) {

        Grouping(String raw, String rollup, int columns) {
            this(raw, rollup, columns, List.of());
        }

        String groupBy() {
            StringBuilder out = new StringBuilder(" GROUP BY 1");
            for (int i = 2; i <= columns; i++) {
                out.append(", ").append(i);
            }
            return out.toString();
        }
    }

    static List<Source> of(UsageFilter f, Grouping by) {
        Long since = f.sinceMillis();
        Long until = f.untilMillis();
        if (by.rollup() == null || f.runId() != null || tooFar(since) || tooFar(until)) {
            return List.of(raw(f, by, since, until));
        }
        Long firstDay = since == null ? null : Math.ceilDiv(since, UsageRollup.DAY_MS);
        Long endDay = until == null ? null : Math.floorDiv(until, UsageRollup.DAY_MS);
        if (firstDay != null && endDay != null && firstDay >= endDay) {
            return List.of(raw(f, by, since, until));
        }
        List<Source> out = new ArrayList<>(3);
        out.add(rollup(f, by, firstDay, endDay));
        if (since != null && since < firstDay * UsageRollup.DAY_MS) {
            out.add(raw(f, by, since, firstDay * UsageRollup.DAY_MS));
        }
        if (until != null && endDay * UsageRollup.DAY_MS < until) {
            out.add(raw(f, by, endDay * UsageRollup.DAY_MS, until));
        }
        return out;
    }

    private static boolean tooFar(Long millis) {
        return millis != null && Math.abs(millis) > SPLIT_LIMIT_MS;
    }

    /** Raw rows with {@code from <= ts_ms < to} (null: unbounded). */
    private static Source raw(UsageFilter f, Grouping by, Long from, Long to) {
        Where w = new Where();
        w.add("ts_ms >= ?", from);
        w.add("ts_ms < ?", to);
        w.common(f);
        return new Source("SELECT " + by.raw() + ", " + SUMS + " FROM usage" + w.sql() + by.groupBy(), args(by, w));
    }

    /** Rollup rows of days {@code firstDay <= day < endDay} (null: unbounded). */
    private static Source rollup(UsageFilter f, Grouping by, Long firstDay, Long endDay) {
        Where w = new Where();
        w.add("day >= ?", firstDay);
        w.add("day < ?", endDay);
        w.common(f);
        return new Source("SELECT " + by.rollup() + ", " + ROLLUP_SUMS + " FROM usage_daily" + w.sql() + by.groupBy(),
                args(by, w));
    }

    private static List<Object> args(Grouping by, Where w) {
        if (by.args().isEmpty()) {
            return w.args;
        }
        List<Object> all = new ArrayList<>(by.args());
        all.addAll(w.args);
        return all;
    }

    /** The filters both tables have columns for. */
    private static final class Where {
        final List<String> parts = new ArrayList<>();
        final List<Object> args = new ArrayList<>();

        void add(String clause, Object value) {
            if (value != null) {
                parts.add(clause);
                args.add(value);
            }
        }

        void common(UsageFilter f) {
            add("key_id = ?", f.keyId());
            add("tenant = ?", f.tenant());
            add("run_id = ?", f.runId());
            add("(model = ? OR model_requested = ?)", f.model());
            if (f.model() != null) {
                args.add(f.model());
            }
        }

        String sql() {
            return parts.isEmpty() ? "" : " WHERE " + String.join(" AND ", parts);
        }
    }
}
