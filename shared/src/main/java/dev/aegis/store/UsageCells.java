package dev.aegis.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Usage sums per cell of (model, key, provider, tenant) over a period, read as a report reads them
 * ({@link ReportSources}: whole days from the rollup): one scan from which the dashboard adds up its
 * breakdowns by model, key, provider and tenant, instead of one report each.
 */
public final class UsageCells {

    private static final List<UsageGroup> DIMENSIONS = List.of(UsageGroup.MODEL, UsageGroup.KEY, UsageGroup.PROVIDER,
            UsageGroup.TENANT);

    private final Database db;

    public UsageCells(Database db) {
        this.db = db;
    }

    /**
     * Reports by each of model, key, provider and tenant over the filter, from one grouped scan;
     * each exactly what {@link UsageQueries#report} gives for that group.
     */
    public Map<UsageGroup, UsageReport> reports(UsageFilter filter) {
        String raw = String.join(", ", DIMENSIONS.stream().map(UsageGroup::expression).toList());
        String rollup = String.join(", ", DIMENSIONS.stream().map(UsageGroup::rollupColumn).toList());
        ReportSources.Grouping grouping = new ReportSources.Grouping(raw, rollup, DIMENSIONS.size());
        return db.read(c -> {
            Map<List<String>, long[]> cells = new HashMap<>();
            for (ReportSources.Source source : ReportSources.of(filter, grouping)) {
                try (PreparedStatement ps = c.prepareStatement(source.sql())) {
                    for (int i = 0; i < source.args().size(); i++) {
                        ps.setObject(i + 1, source.args().get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            List<String> cell = new ArrayList<>(DIMENSIONS.size());
                            for (int d = 0; d < DIMENSIONS.size(); d++) {
                                cell.add(rs.getString(d + 1));
                            }
                            long[] s = cells.computeIfAbsent(cell, k -> new long[7]);
                            for (int i = 0; i < s.length; i++) {
                                s[i] += rs.getLong(DIMENSIONS.size() + 1 + i);
                            }
                        }
                    }
                }
            }
            Map<UsageGroup, UsageReport> out = new java.util.EnumMap<>(UsageGroup.class);
            for (int d = 0; d < DIMENSIONS.size(); d++) {
                GroupedSums sums = new GroupedSums(DIMENSIONS.get(d));
                for (Map.Entry<List<String>, long[]> e : cells.entrySet()) {
                    sums.add(e.getKey().get(d), e.getValue());
                }
                List<UsageTotals> groups = sums.ordered();
                out.put(DIMENSIONS.get(d), new UsageReport(DIMENSIONS.get(d), groups, UsageQueries.sum(groups),
                        DIMENSIONS.get(d) == UsageGroup.KEY ? UsageQueries.keyNames(c, groups) : Map.of()));
            }
            return out;
        });
    }
}
