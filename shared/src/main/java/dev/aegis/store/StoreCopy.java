package dev.aegis.store;

import dev.aegis.background.GiveWay;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.postgresql.PGConnection;

/**
 * Copies a SQLite store into a PostgreSQL one ({@code aegis store migrate}, docs/TEAM.md): every
 * table the SQLite store holds has a {@link Rule} saying how it moves, and a table without one is
 * refused, so a migration that adds a table must say how it is copied.
 *
 * <p>Idempotent: a row is copied only when no row with the same identity is there yet (its primary
 * key; for usage and the prompt log, whose ids are the database's own, the time, request id and
 * key), so running it again copies nothing twice, and several laptops' stores can be copied into
 * one team store. A row already there is never changed. The source is read in one transaction (a
 * consistent snapshot, no writer in between); the target is written in transactions of
 * {@link #ROWS_PER_TRANSACTION} rows, through a temporary table filled by one {@code COPY} each, so a
 * copy cut short leaves whole batches, and the next run copies the rest.
 */
public final class StoreCopy {

    /** What happened to one table: rows copied, rows skipped because they were there, or why it is not copied. */
    public record TableCopy(String table, long copied, long alreadyThere, String note) {}

    static final int ROWS_PER_TRANSACTION = 10_000;

    private enum Kind { COPIED, DERIVED, NOT_COPIED }

    /**
     * How one table moves. {@code identity}: the columns that tell a row already there;
     * {@code generatedId}: the table's {@code id} is the database's own and is not copied;
     * {@code fixed}: columns given a value instead of the source's.
     */
    record Rule(String table, Kind kind, List<String> identity, boolean generatedId, Map<String, String> fixed, String note) {

        static Rule copy(String table, String... identity) {
            return new Rule(table, Kind.COPIED, List.of(identity), false, Map.of(), null);
        }

        static Rule copyWithNewIds(String table, String... identity) {
            return new Rule(table, Kind.COPIED, List.of(identity), true, Map.of(), null);
        }

        static Rule notCopied(String table, Kind kind, String why) {
            return new Rule(table, kind, List.of(), false, Map.of(), why);
        }

        Rule fixed(String column, String sqlValue, String why) {
            return new Rule(table, kind, identity, generatedId, Map.of(column, sqlValue), why);
        }
    }

    /** Every table of the store, in the order they are copied (keys before what refers to them). */
    static final List<Rule> RULES = List.of(
            Rule.copy("api_keys", "id"),
            Rule.copy("credit_accounts", "key_id").fixed("reserved_nanos", "0",
                    "holds of calls in flight are released, as a daemon's start releases them"),
            Rule.notCopied("credit_reservations", Kind.NOT_COPIED,
                    "holds of calls in flight: released (the daemon is stopped)"),
            Rule.copyWithNewIds("usage", "ts_ms", "request_id", "key_id"),
            Rule.notCopied("usage_daily", Kind.DERIVED, "kept in step with the usage rows copied"),
            Rule.copyWithNewIds("prompt_log", "ts_ms", "request_id", "key_id"),
            Rule.copy("receipt_heads", "instance"),
            Rule.notCopied("budget_counters", Kind.NOT_COPIED,
                    "team mode's shared budget counters: empty on SQLite; a team daemon starts each from the usage rows"),
            Rule.notCopied("rate_limit_state", Kind.NOT_COPIED, "team mode's shared rate-limit state: empty on SQLite"),
            Rule.notCopied("receipt_verifications", Kind.NOT_COPIED,
                    "the last verify of this machine's trail folders: run `aegis receipts verify` again"),
            Rule.copy("mcp_tool_pins", "server", "tool"),
            Rule.copy("mcp_server_approvals", "server"),
            Rule.notCopied("credit_settlements", Kind.NOT_COPIED,
                    "notes that keep a charge written again from charging twice: the stopped daemon has none in flight"),
            Rule.notCopied("schema_version", Kind.NOT_COPIED, "each store migrates its own schema"));

    private final Database from;
    private final Database to;

    private StoreCopy(Database from, Database to) {
        this.from = from;
        this.to = to;
    }

    /** Copies {@code from} (SQLite) into {@code to} (PostgreSQL); one entry per table of the source, in {@link #RULES}' order. */
    public static List<TableCopy> copy(Database from, Database to) {
        if (from.dialect() != Dialect.SQLITE || to.dialect() != Dialect.POSTGRESQL) {
            throw new IllegalArgumentException("a store is copied from SQLite into PostgreSQL");
        }
        return new StoreCopy(from, to).run();
    }

    private List<TableCopy> run() {
        // A write transaction on SQLite: one snapshot of every table, and no writer until the copy ends.
        return from.write(source -> {
            Set<String> tables = sourceTables(source);
            Set<String> unknown = new TreeSet<>(tables);
            RULES.forEach(r -> unknown.remove(r.table()));
            if (!unknown.isEmpty()) {
                throw new StoreException("this Aegis does not know how to copy the table(s) " + unknown
                        + " of the source store", null);
            }
            List<TableCopy> out = new ArrayList<>();
            for (Rule rule : RULES) {
                if (!tables.contains(rule.table())) {
                    continue;
                }
                out.add(rule.kind() == Kind.COPIED ? copyTable(source, rule)
                        : new TableCopy(rule.table(), 0, 0, rule.note()));
            }
            return out;
        });
    }

    private static Set<String> sourceTables(Connection c) throws SQLException {
        Set<String> tables = new TreeSet<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    private TableCopy copyTable(Connection source, Rule rule) throws SQLException {
        List<String> columns = new ArrayList<>();
        for (String column : sourceColumns(source, rule.table())) {
            if (!(rule.generatedId() && column.equals("id"))) {
                columns.add(column);
            }
        }
        Map<String, Boolean> targetNullable = to.read(c -> targetColumns(c, rule.table()));
        for (String column : columns) {
            if (!targetNullable.containsKey(column)) {
                throw new StoreException("the target store's table " + rule.table() + " has no column " + column
                        + " (is it an older Aegis's schema?)", null);
            }
        }
        Batch batch = new Batch(rule, columns, targetNullable);
        // Rows with the same identity never straddle two batches: a batch ends only where its first identity column
        // changes. Usage in (ts_ms, id) order is its ts_ms index read in order, not a sort of the whole table.
        String order = rule.generatedId() ? rule.identity().get(0) + ", id" : String.join(", ", rule.identity());
        long copied = 0;
        long there = 0;
        try (Statement st = source.createStatement();
                ResultSet rs = st.executeQuery("SELECT " + String.join(", ", columns) + " FROM " + rule.table()
                        + " ORDER BY " + order)) {
            Object lastLead = null;
            while (rs.next()) {
                Object[] row = new Object[columns.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                Object lead = row[columns.indexOf(rule.identity().get(0))];
                if (batch.size() >= ROWS_PER_TRANSACTION && !java.util.Objects.equals(lead, lastLead)) {
                    long n = batch.flush();
                    copied += n;
                    there += batch.flushedSize() - n;
                }
                batch.add(row);
                lastLead = lead;
            }
        }
        long n = batch.flush();
        copied += n;
        there += batch.flushedSize() - n;
        return new TableCopy(rule.table(), copied, there, rule.note());
    }

    private static List<String> sourceColumns(Connection c, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                columns.add(rs.getString("name"));
            }
        }
        return columns;
    }

    /** The target table's columns and whether each may be NULL. */
    private static Map<String, Boolean> targetColumns(Connection c, String table) throws SQLException {
        Map<String, Boolean> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, is_nullable FROM information_schema.columns "
                + "WHERE table_schema = current_schema() AND table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), "YES".equals(rs.getString(2)));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new StoreException("the target store has no table " + table, null);
        }
        return columns;
    }

    /** One transaction's rows: staged in a temporary table, then inserted where no row with their identity is. */
    private final class Batch {
        private final Rule rule;
        private final List<String> columns;
        private final String stage;
        private final String createStage;
        private final String insertNew;
        private final List<Object[]> rows = new ArrayList<>();
        private int flushedSize;

        Batch(Rule rule, List<String> columns, Map<String, Boolean> targetNullable) {
            this.rule = rule;
            this.columns = columns;
            this.stage = "aegis_copy_" + rule.table();
            String list = String.join(", ", columns);
            this.createStage = "CREATE TEMP TABLE " + stage + " ON COMMIT DROP AS SELECT " + list + " FROM " + rule.table()
                    + " WITH NO DATA";
            List<String> values = new ArrayList<>();
            for (String column : columns) {
                values.add(rule.fixed().getOrDefault(column, "s." + column));
            }
            List<String> same = new ArrayList<>();
            for (String column : rule.identity()) {
                same.add(targetNullable.get(column)
                        ? "(t." + column + " = s." + column + " OR (t." + column + " IS NULL AND s." + column + " IS NULL))"
                        : "t." + column + " = s." + column);
            }
            // The batch's range of the first identity column bounds the look-up, so the planner reads only that
            // stretch of the target's index, not the whole table once per batch (a copy's time grew with the square of its rows).
            String lead = rule.identity().get(0);
            if (!targetNullable.get(lead)) {
                same.add("t." + lead + " BETWEEN (SELECT MIN(" + lead + ") FROM " + stage + ") AND (SELECT MAX(" + lead
                        + ") FROM " + stage + ")");
            }
            this.insertNew = "INSERT INTO " + rule.table() + " (" + list + ") SELECT " + String.join(", ", values)
                    + " FROM " + stage + " s WHERE NOT EXISTS (SELECT 1 FROM " + rule.table() + " t WHERE "
                    + String.join(" AND ", same) + ")"
                    + (rule.table().equals("usage") ? " RETURNING " + ROLLUP_COLUMNS : "");
        }

        int size() {
            return rows.size();
        }

        int flushedSize() {
            return flushedSize;
        }

        void add(Object[] row) {
            rows.add(row);
        }

        /** Writes the batch in one transaction; how many rows were new. */
        long flush() {
            flushedSize = rows.size();
            if (rows.isEmpty()) {
                return 0;
            }
            long inserted = to.write(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute(createStage);
                }
                stageRows(c);
                if (rule.table().equals("usage")) {
                    return insertUsage(c);
                }
                try (Statement st = c.createStatement()) {
                    return (long) st.executeUpdate(insertNew);
                }
            });
            rows.clear();
            return inserted;
        }

        /** The rows into the temporary table in one {@code COPY} (CSV: an unquoted empty field is NULL, a quoted one text). */
        private void stageRows(Connection c) throws SQLException {
            StringBuilder csv = new StringBuilder(rows.size() * 256);
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    if (i > 0) {
                        csv.append(',');
                    }
                    Object value = row[i];
                    if (value instanceof String text) {
                        csv.append('"').append(text.replace("\"", "\"\"")).append('"');
                    } else if (value != null) {
                        csv.append(value);
                    }
                }
                csv.append('\n');
            }
            try {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + stage + " (" + String.join(", ", columns)
                        + ") FROM STDIN (FORMAT csv)", new StringReader(csv.toString()));
            } catch (IOException e) {
                throw new SQLException("copying rows into " + stage + " failed: " + e.getMessage(), e);
            }
        }

        /** The usage rows new to the target, added to its daily rollup in the same transaction ({@link UsageRollup}). */
        private long insertUsage(Connection c) throws SQLException {
            List<UsageRow> added = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(insertNew)) {
                while (rs.next()) {
                    added.add(new UsageRow(rs.getLong(1), "", rs.getString(2), rs.getString(3), null, "",
                            rs.getString(5), rs.getString(4), rs.getString(6), 0, null, rs.getLong(7), rs.getLong(8),
                            rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12), false, null, null, null, false, true));
                }
            }
            UsageRollup.add(to.statements(c), added, new GiveWay());
            return added.size();
        }
    }

    /** What the rollup sums, in the order {@link Batch#insertUsage} reads them. */
    private static final String ROLLUP_COLUMNS = "ts_ms, key_id, tenant, model, model_requested, provider, input_tokens, "
            + "cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_nanos";
}
