package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite connections while another process holds the database's write lock: a write that could
 * not begin leaves nothing half-done behind it, and reads go on while a write waits.
 */
class SqliteConnectionTest {

    @TempDir
    Path temp;

    private Path file;
    private SqliteConnection db;
    /** Another process's connection to the same file. */
    private Connection other;

    @BeforeEach
    void open() throws Exception {
        file = temp.resolve("t.db");
        db = SqliteConnection.open(file, Database.PageCache.APPENDS, 200);
        db.write(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (v INTEGER NOT NULL)");
            }
            return null;
        });
        other = DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    @AfterEach
    void close() throws Exception {
        other.close();
        db.close();
    }

    private void holdTheWriteLock() throws SQLException {
        try (Statement st = other.createStatement()) {
            st.execute("BEGIN EXCLUSIVE");
            st.execute("INSERT INTO t VALUES (0)");
        }
    }

    private void releaseTheWriteLock() throws SQLException {
        try (Statement st = other.createStatement()) {
            st.execute("ROLLBACK");
        }
    }

    private long rows() {
        return db.read(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM t")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private Void insertTwoThenFail(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("INSERT INTO t VALUES (1)");
            st.execute("INSERT INTO t VALUES (2)");
        }
        throw new SQLException("the work fails after two inserts");
    }

    @Test
    void aWriteThatCouldNotBeginLeavesTheNextOneWholeOrNothing() throws Exception {
        holdTheWriteLock();
        assertThatThrownBy(() -> db.write(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO t VALUES (1)");
            }
            return null;
        })).as("another process's lock passes: the store is unavailable, not broken")
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("database write failed");
        releaseTheWriteLock();

        // Before, the refused BEGIN left sqlite-jdbc believing a transaction was open: this write's
        // statements were each committed on their own, and stayed although the write failed.
        assertThatThrownBy(() -> db.write(this::insertTwoThenFail))
                .isInstanceOf(StoreException.class).hasMessageContaining("the work fails after two inserts");
        assertThat(rows()).isZero();

        db.write(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO t VALUES (3)");
            }
            return null;
        });
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void aWriteThatFailsWithAnErrorLeavesNoTransactionOpen() throws Exception {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> db.write(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO t VALUES (1)");
            }
            throw new OutOfMemoryError("a batch too large");
        })).isInstanceOf(OutOfMemoryError.class);

        db.write(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO t VALUES (2)");
            }
            return null;
        });
        assertThat(rows()).as("the failed write's row rolled back, the next one written").isEqualTo(1);
    }

    @Test
    void aCommittedWriteLeavesNoTransactionOpenForAnotherProcessToWaitFor() throws Exception {
        db.write(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO t VALUES (1)");
            }
            return null;
        });
        // sqlite-jdbc's commit() began the next transaction at once; another process then could not
        // write until the connection's auto-commit was turned back on.
        try (Statement st = other.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            st.execute("INSERT INTO t VALUES (2)");
            st.execute("COMMIT");
        }
        assertThat(rows()).isEqualTo(2);
    }

    @Test
    void readsGoOnWhileAWriteWaitsForAnotherProcessesLock() throws Exception {
        SqliteConnection slow = SqliteConnection.open(file, Database.PageCache.APPENDS, 5_000);
        try {
            holdTheWriteLock();
            CompletableFuture<Void> write = CompletableFuture.runAsync(() -> slow.write(c -> null));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!slow.writing() && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // a poll with a deadline: the write starts on another thread
            }
            assertThat(slow.writing()).as("the write began").isTrue();
            // The write waits for the lock (up to 5 s); a read on the same database does not wait for it.
            long started = System.nanoTime();
            long count = slow.read(c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM t")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(count).isZero();
            assertThat(write).as("the write still waits for the lock").isNotDone();
            assertThat(tookMs).as("the read's time, ms").isLessThan(2_500);
            releaseTheWriteLock();
            write.get(10, TimeUnit.SECONDS);
        } finally {
            slow.close();
        }
    }

    @Test
    void writesQueuedBehindALockedDatabaseWaitAtMostTwiceTheBusyTimeoutNotOneEachAfterAnother() throws Exception {
        int busyMs = 500;
        SqliteConnection slow = SqliteConnection.open(file, Database.PageCache.APPENDS, busyMs);
        try {
            holdTheWriteLock();
            int writers = 8;
            java.util.List<CompletableFuture<Long>> waits = new java.util.ArrayList<>();
            for (int i = 0; i < writers; i++) {
                waits.add(CompletableFuture.supplyAsync(() -> {
                    long started = System.nanoTime();
                    try {
                        slow.write(c -> null);
                        throw new AssertionError("a write went through a locked database");
                    } catch (StoreUnavailableException e) {
                        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                    }
                }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
            }
            long longest = 0;
            for (CompletableFuture<Long> w : waits) {
                longest = Math.max(longest, w.get(30, TimeUnit.SECONDS));
            }
            // One after another, the last of 8 waited 8 busy timeouts (4 s); now at most its wait for the
            // write connection and its own for the database, with room for a loaded machine.
            assertThat(longest).as("the longest wait, ms").isLessThan(5L * busyMs);
            releaseTheWriteLock();
        } finally {
            slow.close();
        }
    }

    /** Found by an outside review: on a full disk, a read-only command failed as its store's close could not checkpoint. */
    @Test
    void aCheckpointThatFailsOnCloseDoesNotFailTheCloseAndLosesNothing() {
        String url = "jdbc:sqlite:" + temp.resolve("aegis.db");
        Database store = Database.open(url);
        new UsageStore(store).insert(java.util.List.of(new UsageRow(1000, "r1", "key-a", "default", null, "/v1/chat/completions",
                "gpt-4o", "gpt-4o", "openai", 200, null, 1, 0, 0, 1, 0, 10, false, "v", 1.0, null, false, true)));
        // A statement still reading locks the database for a checkpoint, as a full disk fails it.
        store.read(c -> {
            ResultSet rs = c.createStatement().executeQuery("SELECT request_id FROM usage UNION ALL SELECT request_id FROM usage");
            return rs.next();
        });

        store.close();

        try (Database again = Database.open(url)) {
            assertThat(new UsageQueries(again).report(UsageFilter.ALL, UsageGroup.MODEL).total().requests()).isEqualTo(1);
        }
    }
}
