package dev.aegis.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Versioned schema migrations: numbered SQL scripts applied once each, in order, inside the open
 * transaction, and recorded in {@code schema_version} with the SHA-256 of the script's bytes.
 *
 * <p>Each script runs whole through the driver's own script execution ({@link Statement#executeUpdate}:
 * SQLite's {@code sqlite3_exec}, PostgreSQL's simple query protocol), so a {@code ;} inside a trigger
 * body, a string literal or a comment is the database's business, not a splitter's. A database newer
 * than this build is refused, and so is one where a shipped migration's text changed after it was
 * applied: the schema it holds is then not the one this build's code expects. Rows written before
 * checksums were recorded take the shipped script's checksum the first time this build opens them.
 *
 * <p>Each {@link Dialect} has its own script set (SQLite's in {@code migrations/}, PostgreSQL's in
 * {@code migrations/postgresql/}) with the same version numbers and the same schema, told in each
 * database's own SQL; a new migration is added to both.
 */
final class Migrations {

    /** The advisory lock (any fixed number) PostgreSQL migrations are applied under. */
    private static final long MIGRATION_LOCK = 0x4165_6769_735fL;

    /** Every migration in order, the same names and numbers for each dialect; the number is its position + 1. Never edit one that has shipped. */
    private static final List<String> SCRIPTS = List.of("V1__keys_and_credits.sql", "V2__usage.sql", "V3__credit_reservations.sql",
            "V4__key_runs_and_token_budgets.sql", "V5__usage_rollup_and_prompt_log.sql",
            "V6__secrets_per_key_and_findings.sql", "V7__key_sub_tenants.sql", "V8__receipt_head.sql", "V9__team_limits.sql",
            "V10__receipt_verifications.sql", "V11__sessions_agents_clients.sql",
            "V12__receipt_heads.sql", "V13__mcp_tool_calls_and_pins.sql",
            "V14__mcp_server_approvals.sql", "V15__rate_limit_admit.sql", "V16__rate_limit_lease.sql",
            "V17__usage_receipts_and_settlements.sql");

    /** One migration: its file name and its text. */
    record Script(String name, String sql) {

        String checksum() {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sql.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private Migrations() {}

    /** The newest schema version this build knows. */
    static int latest() {
        return SCRIPTS.size();
    }

    /**
     * Applies this dialect's shipped migrations. On PostgreSQL, daemons starting together take
     * turns: the first migrates, the others wait for its transaction and find nothing left to do.
     */
    static Void apply(Connection c, Dialect dialect) throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            }
        }
        if (upToDate(c, dialect)) {
            return null;
        }
        return applyUpTo(c, dialect, SCRIPTS.size());
    }

    /**
     * Whether the database holds exactly the shipped migrations, each recorded with its shipped
     * checksum ({@link ShippedChecksums}): then there is nothing to apply, fill in or refuse, and a
     * start reads no script. Anything else (an older or newer database, a missing or different
     * checksum, no {@code schema_version} yet) goes the whole way, which applies, fills in or refuses.
     */
    static boolean upToDate(Connection c, Dialect dialect) throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            ensureVersionTable(c); // on PostgreSQL a failed query would end the transaction
        }
        List<String> shipped = ShippedChecksums.of(dialect);
        int applied = 0;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version, checksum FROM schema_version ORDER BY version")) {
            while (rs.next()) {
                if (applied >= shipped.size() || rs.getInt(1) != applied + 1 || !shipped.get(applied).equals(rs.getString(2))) {
                    return false;
                }
                applied++;
            }
        } catch (SQLException e) {
            if (dialect == Dialect.SQLITE) {
                return false; // no schema_version (or no checksum column) yet: the whole way makes them
            }
            throw e;
        }
        return applied == shipped.size();
    }

    /** Applies the shipped migrations up to a version (tests build older databases with it). */
    static Void applyUpTo(Connection c, int target) throws SQLException {
        return applyUpTo(c, Dialect.SQLITE, target);
    }

    static Void applyUpTo(Connection c, Dialect dialect, int target) throws SQLException {
        List<Script> shipped = shippedScripts(dialect);
        return apply(c, shipped, target);
    }

    /** This dialect's shipped scripts, read from the build's resources, version 1 first. */
    static List<Script> shippedScripts(Dialect dialect) throws SQLException {
        List<Script> shipped = new java.util.ArrayList<>();
        for (String name : SCRIPTS) {
            shipped.add(load(dialect, name));
        }
        return shipped;
    }

    /** Applies the first {@code target} of these scripts, checking the ones already applied. */
    static Void apply(Connection c, List<Script> scripts, int target) throws SQLException {
        ensureVersionTable(c);
        int current = 0;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version, checksum FROM schema_version ORDER BY version")) {
            while (rs.next()) {
                current = rs.getInt(1);
                if (current > scripts.size()) {
                    throw new SQLException("the database has schema version " + current + " but this Aegis knows only up to "
                            + scripts.size() + "; upgrade Aegis");
                }
                checkUnchanged(scripts.get(current - 1), rs.getString(2));
            }
        }
        fillMissingChecksums(c, scripts, current);
        for (int v = current + 1; v <= target; v++) {
            Script script = scripts.get(v - 1);
            try (Statement st = c.createStatement()) {
                st.executeUpdate(script.sql());
            } catch (SQLException e) {
                throw new SQLException("migration " + script.name() + " failed: " + e.getMessage(), e);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO schema_version (version, applied_at, checksum) VALUES (?, ?, ?)")) {
                ps.setInt(1, v);
                ps.setString(2, Instant.now().toString());
                ps.setString(3, script.checksum());
                ps.executeUpdate();
            }
        }
        return null;
    }

    private static void checkUnchanged(Script script, String recorded) throws SQLException {
        if (recorded != null && !recorded.equals(script.checksum())) {
            throw new SQLException("migration " + script.name() + " was changed after it was applied to this database"
                    + " (recorded checksum " + recorded.substring(0, 12) + "…, shipped " + script.checksum().substring(0, 12)
                    + "…); this build does not match the schema the database holds: run the Aegis version that created it");
        }
    }

    private static void ensureVersionTable(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, checksum TEXT)");
        }
        boolean hasChecksum;
        try (ResultSet cols = c.getMetaData().getColumns(null, null, "schema_version", "checksum")) {
            hasChecksum = cols.next();
        }
        if (!hasChecksum) {
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE schema_version ADD COLUMN checksum TEXT");
            }
        }
    }

    /** Versions recorded before checksums were: they take the shipped script's. */
    private static void fillMissingChecksums(Connection c, List<Script> scripts, int current) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE schema_version SET checksum = ? WHERE version = ? AND checksum IS NULL")) {
            for (int v = 1; v <= current; v++) {
                ps.setString(1, scripts.get(v - 1).checksum());
                ps.setInt(2, v);
                ps.executeUpdate();
            }
        }
    }

    private static Script load(Dialect dialect, String name) throws SQLException {
        try (InputStream in = Migrations.class.getResourceAsStream(dialect.migrations() + name)) {
            if (in == null) {
                throw new SQLException("migration " + name + " is missing from the build");
            }
            return new Script(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SQLException("cannot read migration " + name, e);
        }
    }
}
