package dev.aegis.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * The two databases Aegis stores in: SQLite (one file, the zero-config default) and PostgreSQL
 * (team mode: several daemons share one). The SQL is the same where it can be; the migrations are
 * one script set per dialect with the same version numbers.
 */
public enum Dialect {
    SQLITE("jdbc:sqlite:", "migrations/"),
    POSTGRESQL("jdbc:postgresql:", "migrations/postgresql/");

    private final String urlPrefix;
    private final String migrations;

    Dialect(String urlPrefix, String migrations) {
        this.urlPrefix = urlPrefix;
        this.migrations = migrations;
    }

    /** The dialect of a JDBC URL, or null when Aegis cannot store there. */
    public static Dialect of(String url) {
        for (Dialect d : values()) {
            if (url.startsWith(d.urlPrefix)) {
                return d;
            }
        }
        return null;
    }

    /** The resource folder (next to {@link Migrations}) of this dialect's migrations. */
    String migrations() {
        return migrations;
    }

    /**
     * True when a failure means the database could not be reached rather than that the statement
     * was wrong: no connection in time, a connection refused or lost, a server shutting down.
     */
    static boolean unreachable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }
}
