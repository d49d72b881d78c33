package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.store.StoreException;
import dev.aegis.store.StoreUnavailableException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store that fails under a command is one line saying what failed and what to check (found by an outside review). */
class StoreFailuresTest {

    private static final Map<String, String> ENV = Map.of();

    @TempDir
    Path temp;

    @Test
    void aCommandWhoseDatabaseFailsSaysWhatFailedInOneLineWithoutAClassName() throws Exception {
        String home = temp.resolve("home").toString();
        assertThat(CliRun.run(ENV, CliRun.args(home, "keygen", "--name", "first")).exitCode()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + Path.of(home, "aegis.db"));
                Statement st = c.createStatement()) {
            st.execute("PRAGMA foreign_keys = OFF");
            st.execute("DROP TABLE api_keys");
        }

        CliRun keygen = CliRun.run(ENV, CliRun.args(home, "keygen", "--name", "second"));

        assertThat(keygen.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(keygen.out()).isEmpty();
        assertThat(keygen.err()).startsWith("aegis: database write failed: ").contains("no such table: api_keys")
                .contains(" - check that the disk has free space").doesNotContain("Exception").doesNotContain("unexpected error")
                .doesNotContain("dev.aegis");
        assertThat(keygen.err().strip().lines()).hasSize(1);
    }

    @Test
    void theHintNamesTheLikelyCause() {
        assertThat(StoreFailures.message(new StoreException("database write failed: [SQLITE_FULL] Insertion failed because"
                + " database is full (database or disk is full)", null))).endsWith(" - the disk holding the database is full:"
                + " free some space and run the command again");
        // SQLite's passing failures are the store being unavailable too, but no server is down.
        assertThat(StoreFailures.message(new StoreUnavailableException("database write failed: [SQLITE_FULL] Insertion failed"
                + " because database is full (database or disk is full)", null))).endsWith(" - the disk holding the database is"
                + " full: free some space and run the command again");
        assertThat(StoreFailures.message(new StoreException("database write failed: [SQLITE_BUSY] The database file is locked"
                + " (database is locked)", null))).contains("another process holds the database locked");
        assertThat(StoreFailures.message(new StoreException("cannot open the database /h/aegis.db: [SQLITE_CANTOPEN] Unable to"
                + " open the database file", null))).contains("check that this user may read and write the home folder");
        assertThat(StoreFailures.message(new StoreUnavailableException("cannot connect to the database"
                + " jdbc:postgresql://db/aegis: Connection refused", null))).endsWith(" - is the database server up and"
                + " reachable from here (store.url)?");
        assertThat(StoreFailures.message(new StoreException("database write failed: ERROR: x\n  Detail: y", null)))
                .isEqualTo("database write failed: ERROR: x Detail: y - check that the disk has free space and that the"
                        + " database file is writable and not locked by another process");
    }
}
