package dev.aegis.store;

import dev.aegis.home.SecureFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite file: WAL, a busy timeout so the CLI and the daemon can write at the same time, every
 * write transaction {@code BEGIN IMMEDIATE}, file mode 0600.
 *
 * <p>One connection, used by one thread at a time: SQLite serialises writers anyway, and the hot
 * path reads through caches, not the database.
 */
final class SqliteConnection implements Connections {

    private static final int BUSY_TIMEOUT_MS = 10_000;

    private final Connection connection;
    /**
     * Fair: calls on the request path (credit reservations) take this lock many times a second,
     * and an unfair lock let them barge ahead of the background writers again and again, so usage
     * rows fell seconds behind under load (seen once in {@code CrashUnderLoadIT}).
     */
    private final ReentrantLock lock = new ReentrantLock(true);
    /** Statements of the background writers, compiled once and kept (used under {@link #lock}, as the connection is). */
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    private SqliteConnection(Connection connection) {
        this.connection = connection;
    }

    static SqliteConnection open(Path path, Database.PageCache cache) {
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
        config.setCacheSize(-cache.kib());
        config.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, String.valueOf(256L * 1024 * 1024));
        try {
            return new SqliteConnection(config.createConnection("jdbc:sqlite:" + path));
        } catch (SQLException e) {
            throw new StoreException("cannot open the database " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
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

    /** {@code BEGIN IMMEDIATE} (the connection's transaction mode): the write lock is taken at the start. */
    @Override
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

    /** Kept across transactions: SQLite compiles a statement on each prepare. */
    @Override
    public PreparedStatement prepared(Connection c, String sql) throws SQLException {
        if (c != connection || !lock.isHeldByCurrentThread()) {
            return c.prepareStatement(sql);
        }
        PreparedStatement ps = statements.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        ps.clearParameters();
        return ps;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!connection.isClosed()) {
                checkpointQuietly();
                statements.clear();
                connection.close();
            }
        } catch (SQLException e) {
            throw new StoreException("closing the database failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Folds the write-ahead log into the database file, so a closed store is one file. Only tidiness:
     * what was committed is in the log, and the next connection to open the file checkpoints it. So a
     * checkpoint that fails (a full disk, another process reading) never fails the close, nor the
     * command that only read (found by an outside review: {@code aegis credits show} failed on a full disk).
     */
    private void checkpointQuietly() {
        try (var st = connection.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            // the log stays until the next checkpoint
        }
    }
}
