package dev.aegis.store;

import dev.aegis.background.GiveWay;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The daily rollup of usage ({@code usage_daily}): per UTC day and (key, tenant, model, requested
 * model, provider), the sums a report needs. Updated in the transaction that inserts the rows, so
 * the rollup and the rows never disagree; reports read whole days here (see {@link UsageQueries}).
 */
final class UsageRollup {

    static final long DAY_MS = 86_400_000L;

    /** The epoch day of a time, as the migration's backfill computes it (floor, also before 1970). */
    static long day(long tsMillis) {
        return Math.floorDiv(tsMillis, DAY_MS);
    }

    /** The same day in SQL, for raw rows. */
    static final String DAY_SQL = "((CASE WHEN ts_ms < 0 THEN ts_ms - 86399999 ELSE ts_ms END) / 86400000)";

    private static final String WHERE_CELL = " WHERE day = ? AND key_id IS NOT DISTINCT FROM ? AND tenant IS NOT DISTINCT FROM ? "
            + "AND model IS NOT DISTINCT FROM ? AND model_requested IS NOT DISTINCT FROM ? AND provider IS NOT DISTINCT FROM ?";
    private static final String UPDATE = "UPDATE usage_daily SET requests = requests + ?, input_tokens = input_tokens + ?, "
            + "cached_input_tokens = cached_input_tokens + ?, cache_write_tokens = cache_write_tokens + ?, "
            + "output_tokens = output_tokens + ?, reasoning_tokens = reasoning_tokens + ?, cost_nanos = cost_nanos + ?"
            + WHERE_CELL;
    private static final String INSERT = "INSERT INTO usage_daily (requests, input_tokens, cached_input_tokens, "
            + "cache_write_tokens, output_tokens, reasoning_tokens, cost_nanos, day, key_id, tenant, model, "
            + "model_requested, provider) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private UsageRollup() {}

    /** One rollup row's identity. */
    private record Cell(long day, String keyId, String tenant, String model, String modelRequested, String provider) {

        private static final Comparator<String> TEXT = Comparator.nullsFirst(Comparator.naturalOrder());

        /**
         * A total order on the whole identity, the same in every daemon: each batch updates its cells
         * in this order, so two daemons sharing a database lock the same rows in the same order and
         * never deadlock on each other (in batch order, they did).
         */
        static final Comparator<Cell> ORDER = Comparator.comparingLong(Cell::day).thenComparing(Cell::keyId, TEXT)
                .thenComparing(Cell::tenant, TEXT).thenComparing(Cell::model, TEXT)
                .thenComparing(Cell::modelRequested, TEXT).thenComparing(Cell::provider, TEXT);
    }

    /** Running sums of a batch's rows for one cell. */
    private static final class Sums {
        long requests;
        long input;
        long cachedInput;
        long cacheWrite;
        long output;
        long reasoning;
        long costNanos;

        void add(UsageRow r) {
            requests++;
            input += r.inputTokens();
            cachedInput += r.cachedInputTokens();
            cacheWrite += r.cacheWriteTokens();
            output += r.outputTokens();
            reasoning += r.reasoningTokens();
            costNanos += r.costNanos();
        }
    }

    /** Adds a batch of rows to the rollup, cell by cell in {@link Cell#ORDER}; call inside the transaction that inserts them. */
    static void add(Statements statements, List<UsageRow> rows, GiveWay giveWay) throws SQLException {
        Map<Cell, Sums> cells = new TreeMap<>(Cell.ORDER);
        for (UsageRow r : rows) {
            cells.computeIfAbsent(new Cell(day(r.tsMillis()), r.keyId(), r.tenant(), r.model(), r.modelRequested(),
                    r.provider()), k -> new Sums()).add(r);
        }
        PreparedStatement update = statements.prepare(UPDATE);
        PreparedStatement insert = statements.prepare(INSERT);
        for (Map.Entry<Cell, Sums> e : cells.entrySet()) {
            bind(update, e.getKey(), e.getValue());
            if (update.executeUpdate() == 0) {
                bind(insert, e.getKey(), e.getValue());
                insert.executeUpdate();
            }
            giveWay.point();
        }
    }

    /** Both statements take the sums first, then the cell. */
    private static void bind(PreparedStatement ps, Cell cell, Sums s) throws SQLException {
        int i = 1;
        ps.setLong(i++, s.requests);
        ps.setLong(i++, s.input);
        ps.setLong(i++, s.cachedInput);
        ps.setLong(i++, s.cacheWrite);
        ps.setLong(i++, s.output);
        ps.setLong(i++, s.reasoning);
        ps.setLong(i++, s.costNanos);
        ps.setLong(i++, cell.day());
        ps.setString(i++, cell.keyId());
        ps.setString(i++, cell.tenant());
        ps.setString(i++, cell.model());
        ps.setString(i++, cell.modelRequested());
        ps.setString(i, cell.provider());
    }
}
