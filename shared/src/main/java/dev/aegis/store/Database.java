package dev.aegis.store;

import dev.aegis.home.AegisHome;
import dev.aegis.home.SecureFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite database: WAL, a busy timeout so the CLI and the daemon can write at the same time,
 * every write transaction {@code BEGIN IMMEDIATE}, migrations applied on open, file mode 0600.
 *
 * <p>One connection, used by one thread at a time: SQLite serialises writers anyway, and the hot
 * path reads through caches, not the database.
 */
public final class Database implements AutoCloseable {

    private static final int BUSY_TIMEOUT_MS = 10_000;

    private final Connection connection;
    /**
     * Fair: calls on the request path (credit reservations) take this lock many times a second,
     * and an unfair lock let them barge ahead of the background writers again and again, so usage
     * rows fell seconds behind under load (seen once in {@code CrashUnderLoadIT}).
     */
    private final ReentrantLock lock = new ReentrantLock(true);

    private Database(Connection connection) {
        this.connection = connection;
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
     */
    public enum PageCache {
        /** 64 MB: reports over large histories. */
        REPORTS(64 * 1024),
        /** 4 MB: appending rows and reading recent ones. */
        APPENDS(4 * 1024);

        private final int kib;

        PageCache(int kib) {
            this.kib = kib;
        }
    }

    /** The database file a {@code jdbc:sqlite:} URL names (without its {@code ?options}). */
    public static Path file(String url) {
        String file = url.substring("jdbc:sqlite:".length());
        int q = file.indexOf('?');
        return AegisHome.expandTilde(q < 0 ? file : file.substring(0, q));
    }

    /** Opens the database with the page cache for reports (see {@link #open(String, PageCache)}). */
    public static Database open(String url) {
        return open(url, PageCache.REPORTS);
    }

    /** Opens (creating if needed, 0600) and migrates the database at a {@code jdbc:sqlite:} URL. */
    public static Database open(String url, PageCache cache) {
        if (!url.startsWith("jdbc:sqlite:")) {
            throw new StoreException("only jdbc:sqlite: URLs are supported (store.url = " + url + ")", null);
        }
        Path path = file(url);
        try {
            SecureFiles.createPrivateDirectories(path.toAbsolutePath().getParent());
            SecureFiles.ensurePrivateFile(path);
        } catch (IOException e) {
            throw new StoreException("cannot create the database " + path + ": " + e.getMessage(), e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        config.enforceForeignKeys(true);
        config.setCacheSize(-cache.kib);
        config.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, String.valueOf(256L * 1024 * 1024));
        try {
            Connection c = config.createConnection("jdbc:sqlite:" + path);
            Database db = new Database(c);
            db.write(Migrations::apply);
            return db;
        } catch (SQLException e) {
            throw new StoreException("cannot open the database " + path + ": " + e.getMessage(), e);
        }
    }

    /** Runs a read. */
    public <T> T read(SqlFunction<T> work) {
        lock.lock();
        try {
            return work.apply(connection);
        } catch (SQLException e) {
            throw new StoreException("database read failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs work in one {@code BEGIN IMMEDIATE} transaction: all of it is committed, or none. */
    public <T> T write(SqlFunction<T> work) {
        lock.lock();
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.apply(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("database write failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!connection.isClosed()) {
                try (var st = connection.createStatement()) {
                    st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                }
                connection.close();
            }
        } catch (SQLException e) {
            throw new StoreException("closing the database failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
