package dev.aegis.store;

import dev.aegis.home.AegisHome;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The store: SQLite (one file, the zero-config default: {@link SqliteConnection}) or a PostgreSQL
 * server several daemons share (team mode, docs/TEAM.md: {@link PostgresPool}). Migrations are
 * applied on open, under the dialect's own script set.
 */
public final class Database implements AutoCloseable {

    private final Dialect dialect;
    private final Connections connections;

    private Database(Dialect dialect, Connections connections) {
        this.dialect = dialect;
        this.connections = connections;
    }

    /** The default database of a home folder. */
    public static String defaultUrl(AegisHome home) {
        return "jdbc:sqlite:" + home.database();
    }

    /**
     * How much of the database SQLite keeps in its own memory. The CLI's reports scan whole
     * histories, so it keeps up to 64 MB; the daemon only appends and reads the newest rows, and a
     * page cache that size filled up over hours (every new page of a growing table stays cached),
     * which showed as the daemon's memory climbing ~10 MB a minute in the soak at 500 calls/s
     * (docs/BENCHMARKS.md). The operating system caches the file (and reads are memory-mapped) either way.
     * For PostgreSQL it sizes the connection pool instead: the daemon's calls reserve credits on
     * their own connections; the CLI needs one or two.
     */
    public enum PageCache {
        /** 64 MB: reports over large histories. */
        REPORTS(64 * 1024, 2),
        /** 4 MB: appending rows and reading recent ones. */
        APPENDS(4 * 1024, 8);

        private final int kib;
        private final int connections;

        PageCache(int kib, int connections) {
            this.kib = kib;
            this.connections = connections;
        }

        int kib() {
            return kib;
        }
    }

    /** The database file a {@code jdbc:sqlite:} URL names (without its {@code ?options}), or null for a server. */
    public static Path file(String url) {
        if (Dialect.of(url) != Dialect.SQLITE) {
            return null;
        }
        String file = url.substring("jdbc:sqlite:".length());
        int q = file.indexOf('?');
        return AegisHome.expandTilde(q < 0 ? file : file.substring(0, q));
    }

    /**
     * How long work waits for a PostgreSQL connection before the database counts as unavailable,
     * unless {@code store.connection_timeout} says otherwise: long enough for a burst of calls
     * queueing on a busy but healthy server, short enough for a clear 503.
     */
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    /** Opens the database with the page cache for reports (see {@link #open(String, PageCache, Duration)}). */
    public static Database open(String url) {
        return open(url, PageCache.REPORTS, CONNECTION_TIMEOUT);
    }

    /** Opens the database with the default {@link #CONNECTION_TIMEOUT}. */
    public static Database open(String url, PageCache cache) {
        return open(url, cache, CONNECTION_TIMEOUT);
    }

    /**
     * Opens (creating if needed, 0600) and migrates the database at a {@code jdbc:sqlite:} or
     * {@code jdbc:postgresql:} URL; a PostgreSQL pool makes work wait at most {@code connectionTimeout}
     * for a connection.
     */
    public static Database open(String url, PageCache cache, Duration connectionTimeout) {
        Dialect dialect = Dialect.of(url);
        if (dialect == null) {
            throw new StoreException("only jdbc:sqlite: and jdbc:postgresql: URLs are supported (store.url = "
                    + StoreUrls.redacted(url) + ")", null);
        }
        Connections connections = switch (dialect) {
            case SQLITE -> SqliteConnection.open(file(url), cache);
            case POSTGRESQL -> PostgresPool.open(url, cache.connections, connectionTimeout);
        };
        Database db = new Database(dialect, connections);
        try {
            db.write(c -> Migrations.apply(c, dialect));
            return db;
        } catch (StoreException e) {
            connections.close();
            String message = "cannot open the database " + shown(url) + ": "
                    + StoreUrls.masked(url, e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            throw e instanceof StoreUnavailableException
                    ? new StoreUnavailableException(message, e.getCause()) : new StoreException(message, e.getCause());
        }
    }

    private static String shown(String url) {
        Path file = file(url);
        return file != null ? file.toString() : StoreUrls.redacted(url);
    }

    /** Which database this is. */
    public Dialect dialect() {
        return dialect;
    }

    /** Runs a read. */
    public <T> T read(SqlFunction<T> work) {
        return connections.read(work);
    }

    /** Runs work in one transaction ({@code BEGIN IMMEDIATE} on SQLite): all of it is committed, or none. */
    public <T> T write(SqlFunction<T> work) {
        return connections.write(work);
    }

    /** Prepared statements for work running on {@code c} (inside {@link #write} or {@link #read}); see {@link Statements}. */
    Statements statements(java.sql.Connection c) {
        return sql -> connections.prepared(c, sql);
    }

    @Override
    public void close() {
        connections.close();
    }
}
