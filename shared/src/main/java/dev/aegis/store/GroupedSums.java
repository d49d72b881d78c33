package dev.aegis.store;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums per group gathered from several grouped queries (rollup and raw rows), then ordered as a
 * report shows them: days in date order; any other group largest cost first, then most requests,
 * then by name (no group first, names in SQLite's byte order), so the order is the same whichever
 * queries the sums came from.
 */
final class GroupedSums {

    private static final int REQUESTS = 0;
    private static final int COST = 6;

    private final UsageGroup by;
    /** Group value (null: calls without one) to requests, input, cached, write, output, reasoning, cost nanos. */
    private final Map<String, long[]> sums = new HashMap<>();

    GroupedSums(UsageGroup by) {
        this.by = by;
    }

    /** Adds the rows of a query whose columns are the group, then the seven sums. */
    void add(ResultSet rs) throws SQLException {
        while (rs.next()) {
            long[] s = sums.computeIfAbsent(rs.getString(1), g -> new long[7]);
            for (int i = 0; i < s.length; i++) {
                s[i] += rs.getLong(i + 2);
            }
        }
    }

    /** Adds one group's seven sums. */
    void add(String group, long[] values) {
        long[] s = sums.computeIfAbsent(group, g -> new long[7]);
        for (int i = 0; i < s.length; i++) {
            s[i] += values[i];
        }
    }

    /** Each group's tokens (input + output); the group is null for calls without one. */
    Map<String, Long> tokensByGroup() {
        Map<String, Long> out = new HashMap<>();
        sums.forEach((group, s) -> out.put(group, s[1] + s[4]));
        return out;
    }

    List<UsageTotals> ordered() {
        List<Map.Entry<String, long[]>> entries = new ArrayList<>(sums.entrySet());
        entries.sort(by == UsageGroup.DAY ? Comparator.comparingLong(e -> Long.parseLong(e.getKey())) : BY_COST);
        List<UsageTotals> out = new ArrayList<>(entries.size());
        for (Map.Entry<String, long[]> e : entries) {
            long[] s = e.getValue();
            out.add(new UsageTotals(by.label(e.getKey()), s[REQUESTS], s[1], s[2], s[3], s[4], s[5], Money.toUsd(s[COST])));
        }
        return out;
    }

    private static final Comparator<Map.Entry<String, long[]>> BY_COST =
            Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[COST])
                    .thenComparingLong(e -> -e.getValue()[REQUESTS])
                    .thenComparing(Map.Entry::getKey, Comparator.nullsFirst(GroupedSums::utf8Order));

    private static int utf8Order(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
