package dev.aegis.store;

import dev.aegis.home.SecureFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteException;

/**
 * The SQLite file: WAL, a busy timeout so the CLI and the daemon can write at the same time, every
 * write transaction {@code BEGIN IMMEDIATE}, file mode 0600.
 *
 * <p>Two connections, each used by one thread at a time: one for writes (SQLite serialises writers
 * anyway) and one for reads, so a read on the request path (a key looked up) never waits behind a
 * write waiting out another process's lock: WAL lets a reader go on while a writer holds the
 * database. A read made inside a write runs on the write's connection and sees its changes.
 *
 * <p>Transactions are begun and ended by statements of their own, the JDBC connection staying in
 * auto-commit: sqlite-jdbc's {@code setAutoCommit(false)} marks the connection as in a transaction
 * before its {@code BEGIN} runs, so a {@code BEGIN} refused (another process holds the lock) left a
 * connection whose next "transaction" committed each statement on its own, and its {@code commit()}
 * begins the next transaction at once, so a commit that succeeded could still fail on that second
 * {@code BEGIN}: a batch of usage rows was written, reported failed and written again.
 */
final class SqliteConnection implements Connections {

    private static final int BUSY_TIMEOUT_MS = 10_000;

    /** Writes, and reads made within them. */
    private final Handle writer;
    /** Reads made outside a write. */
    private final Handle reader;
    /** How long a write waits for the database (another process's lock) and for the write connection. */
    private final int busyTimeoutMs;

    private SqliteConnection(Handle writer, Handle reader, int busyTimeoutMs) {
        this.writer = writer;
        this.reader = reader;
        this.busyTimeoutMs = busyTimeoutMs;
    }

    /**
     * One connection, with the lock that gives it to one thread at a time and the statements compiled
     * on it. The lock is fair: calls on the request path (credit reservations) take the writer's many
     * times a second, and an unfair lock let them barge ahead of the background writers again and
     * again, so usage rows fell seconds behind under load (seen once in {@code CrashUnderLoadIT}).
     */
    private record Handle(Connection connection, ReentrantLock lock, Map<String, PreparedStatement> statements) {

        Handle(Connection connection) {
            this(connection, new ReentrantLock(true), new HashMap<>());
        }

        void close() throws SQLException {
            statements.clear();
            connection.close();
        }
    }

    static SqliteConnection open(Path path, Database.PageCache cache) {
        return open(path, cache, BUSY_TIMEOUT_MS);
    }

    /** @param busyTimeoutMs how long a statement waits for another process's lock before it fails */
    static SqliteConnection open(Path path, Database.PageCache cache, int busyTimeoutMs) {
        try {
            SecureFiles.createPrivateDirectories(path.toAbsolutePath().getParent());
            SecureFiles.ensurePrivateFile(path);
        } catch (IOException e) {
            throw new StoreException("cannot create the database " + path + ": " + e.getMessage(), e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(busyTimeoutMs);
        config.enforceForeignKeys(true);
        config.setCacheSize(-cache.kib());
        config.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, String.valueOf(256L * 1024 * 1024));
        Connection writes = null;
        try {
            writes = config.createConnection("jdbc:sqlite:" + path);
            Connection reads = config.createConnection("jdbc:sqlite:" + path);
            return new SqliteConnection(new Handle(writes), new Handle(reads), busyTimeoutMs);
        } catch (SQLException e) {
            closeQuietly(writes);
            throw new StoreException("cannot open the database " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public <T> T read(SqlFunction<T> work) {
        Handle h = writer.lock().isHeldByCurrentThread() ? writer : reader;
        h.lock().lock();
        try {
            return work.apply(h.connection());
        } catch (SQLException e) {
            throw failure("database read failed: ", e);
        } finally {
            h.lock().unlock();
        }
    }

    /**
     * {@code BEGIN IMMEDIATE}: the write lock is taken at the start (waiting up to the busy timeout
     * for another process's). When it cannot be taken nothing was written; when the work or the
     * {@code COMMIT} fails, the transaction is rolled back: either way the caller may write it again.
     */
    @Override
    public <T> T write(SqlFunction<T> work) {
        lockWriter();
        try {
            if (writer.lock().getHoldCount() > 1) {
                return work.apply(writer.connection()); // within this thread's write: part of its transaction
            }
            execute("BEGIN IMMEDIATE");
            boolean committed = false;
            try {
                T result = work.apply(writer.connection());
                execute("COMMIT");
                committed = true;
                return result;
            } finally {
                if (!committed) {
                    rollback(); // whatever failed (an Error too): the connection must not stay in the transaction
                }
            }
        } catch (SQLException e) {
            throw failure("database write failed: ", e);
        } finally {
            writer.lock().unlock();
        }
    }

    /**
     * SQLite's results that pass (another process's lock, a full disk, an I/O error, a file that cannot
     * be opened or written now) as {@link StoreUnavailableException}, as a server that cannot be
     * reached is: a call that needs the store is refused with 503 {@code store_unavailable}, and a
     * charge that could not be written waits and is retried. Anything else (a broken statement, a
     * constraint) as {@link StoreException}.
     */
    static StoreException failure(String what, SQLException e) {
        int primary = e instanceof SQLiteException sqlite ? sqlite.getResultCode().code & 0xff : -1;
        return switch (primary) {
            case BUSY, LOCKED, NOMEM, READONLY, IOERR, FULL, CANTOPEN, PROTOCOL ->
                    new StoreUnavailableException(what + e.getMessage(), e);
            default -> new StoreException(what + e.getMessage(), e);
        };
    }

    // SQLite's primary result codes (https://sqlite.org/rescode.html).
    private static final int BUSY = 5;
    private static final int LOCKED = 6;
    private static final int NOMEM = 7;
    private static final int READONLY = 8;
    private static final int IOERR = 10;
    private static final int FULL = 13;
    private static final int CANTOPEN = 14;
    private static final int PROTOCOL = 15;

    /**
     * Takes the write connection, waiting at most the busy timeout: behind writes that each wait out
     * another process's lock, a write queued for 30 s (a credit reservation's call), and the usage
     * writer, never getting to fail itself, never said the records were failing. Past it, the store
     * is as unavailable as the lock that holds those writes up.
     */
    private void lockWriter() {
        boolean locked;
        try {
            locked = writer.lock().tryLock(busyTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting to write to the database", e);
        }
        if (!locked) {
            throw new StoreUnavailableException("database write failed: other writes have held the database for "
                    + busyTimeoutMs + " ms (it is locked by another process, or its disk is slow or full)", null);
        }
    }

    /** True while a write holds the write connection (for tests). */
    boolean writing() {
        return writer.lock().isLocked();
    }

    private void execute(String sql) throws SQLException {
        try (Statement st = writer.connection().createStatement()) {
            st.execute(sql);
        }
    }

    /**
     * Ends a failed transaction. A {@code ROLLBACK} that fails (SQLite may have rolled back on its own,
     * after a full disk) is ignored: the failure that brought it here is the one reported.
     */
    private void rollback() {
        try {
            execute("ROLLBACK");
        } catch (SQLException e) {
            // no transaction left to end
        }
    }

    /** Kept across transactions: SQLite compiles a statement on each prepare. */
    @Override
    public PreparedStatement prepared(Connection c, String sql) throws SQLException {
        Handle h = c == writer.connection() ? writer : c == reader.connection() ? reader : null;
        if (h == null || !h.lock().isHeldByCurrentThread()) {
            return c.prepareStatement(sql);
        }
        PreparedStatement ps = h.statements().get(sql);
        if (ps == null || ps.isClosed()) {
            ps = c.prepareStatement(sql);
            h.statements().put(sql, ps);
        }
        ps.clearParameters();
        return ps;
    }

    @Override
    public void close() {
        writer.lock().lock();
        reader.lock().lock();
        try {
            if (!writer.connection().isClosed()) {
                reader.close();
                checkpoint();
                writer.close();
            }
        } catch (SQLException e) {
            throw new StoreException("closing the database failed: " + e.getMessage(), e);
        } finally {
            reader.lock().unlock();
            writer.lock().unlock();
        }
    }

    /**
     * Folds the write-ahead log into the database file so a closed home is one file. One that fails
     * (a full disk) changes nothing that was written: the next open folds it in.
     */
    private void checkpoint() {
        try {
            execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            // the log stays beside the file, whole; SQLite reads it on the next open
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // already failing: the open's error is the one to report
            }
        }
    }
}
