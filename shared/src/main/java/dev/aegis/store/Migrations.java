package dev.aegis.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/**
 * Versioned schema migrations: numbered SQL scripts applied once each, in order, inside the open
 * transaction, and recorded in {@code schema_version}. A database newer than this build is refused.
 */
final class Migrations {

    /** Every migration in order; the number is its position + 1. Never edit one that has shipped. */
    private static final List<String> SCRIPTS = List.of("V1__keys_and_credits.sql", "V2__usage.sql", "V3__credit_reservations.sql",
            "V4__key_runs_and_token_budgets.sql", "V5__usage_rollup_and_prompt_log.sql",
            "V6__secrets_per_key_and_findings.sql", "V7__reserved.sql", "V8__receipt_head.sql");

    private Migrations() {}

    static Void apply(Connection c) throws SQLException {
        return applyUpTo(c, SCRIPTS.size());
    }

    /** Applies the migrations up to a version (tests build older databases with it). */
    static Void applyUpTo(Connection c, int target) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
        }
        int current = 0;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            if (rs.next()) {
                current = rs.getInt(1);
            }
        }
        if (current > SCRIPTS.size()) {
            throw new SQLException("the database has schema version " + current + " but this Aegis knows only up to "
                    + SCRIPTS.size() + "; upgrade Aegis");
        }
        for (int v = current + 1; v <= target; v++) {
            for (String sql : statements(SCRIPTS.get(v - 1))) {
                try (Statement st = c.createStatement()) {
                    st.execute(sql);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)")) {
                ps.setInt(1, v);
                ps.setString(2, Instant.now().toString());
                ps.executeUpdate();
            }
        }
        return null;
    }

    private static List<String> statements(String script) throws SQLException {
        try (InputStream in = Migrations.class.getResourceAsStream("migrations/" + script)) {
            if (in == null) {
                throw new SQLException("migration " + script + " is missing from the build");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return java.util.Arrays.stream(text.replaceAll("(?m)^--.*$", "").split(";"))
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new SQLException("cannot read migration " + script, e);
        }
    }
}
