package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Migrations on a real SQLite file: whole scripts through the driver, and a checksum per applied version. */
class MigrationsTest {

    @TempDir
    Path temp;

    private static final Migrations.Script TABLES = new Migrations.Script("V1__t.sql", """
            -- two tables; a comment with a ; in it
            CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL DEFAULT 'a;b');
            CREATE TABLE audit (note_id INTEGER, what TEXT);
            """);

    /** A trigger body holds statements of its own, each ending in ';': a splitter on ';' cuts it apart. */
    private static final Migrations.Script TRIGGER = new Migrations.Script("V2__trigger.sql", """
            CREATE TRIGGER notes_audit AFTER INSERT ON notes
            BEGIN
                INSERT INTO audit (note_id, what) VALUES (NEW.id, 'inserted; see notes');
                UPDATE notes SET body = body || ';' WHERE id = NEW.id;
            END;
            """);

    private Connection open() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + temp.resolve("m.db"));
        c.setAutoCommit(false);
        return c;
    }

    @Test
    void scriptsWithSemicolonsInTriggersLiteralsAndCommentsApplyWhole() throws Exception {
        try (Connection c = open()) {
            Migrations.apply(c, List.of(TABLES, TRIGGER), 2);
            c.commit();
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO notes (id) VALUES (1)");
                try (ResultSet rs = st.executeQuery("SELECT n.body, a.what FROM notes n JOIN audit a ON a.note_id = n.id")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("a;b;");
                    assertThat(rs.getString(2)).isEqualTo("inserted; see notes");
                }
            }
        }
    }

    @Test
    void aShippedMigrationChangedAfterItWasAppliedIsRefused() throws Exception {
        try (Connection c = open()) {
            Migrations.apply(c, List.of(TABLES, TRIGGER), 2);
            c.commit();
        }
        Migrations.Script edited = new Migrations.Script(TABLES.name(), TABLES.sql().replace("'a;b'", "'c'"));
        try (Connection c = open()) {
            assertThatThrownBy(() -> Migrations.apply(c, List.of(edited, TRIGGER), 2))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("migration V1__t.sql was changed after it was applied");
        }
    }

    @Test
    void versionsAppliedBeforeChecksumsTakeTheShippedOnesAndStillCatchALaterEdit() throws Exception {
        try (Connection c = open(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
            st.executeUpdate(TABLES.sql());
            st.executeUpdate("INSERT INTO schema_version (version, applied_at) VALUES (1, '2026-11-01T00:00:00Z')");
            c.commit();
        }
        try (Connection c = open()) {
            Migrations.apply(c, List.of(TABLES, TRIGGER), 2);
            c.commit();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT checksum FROM schema_version WHERE version = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(TABLES.checksum());
            }
        }
        Migrations.Script edited = new Migrations.Script(TRIGGER.name(), TRIGGER.sql().replace("inserted", "added"));
        try (Connection c = open()) {
            assertThatThrownBy(() -> Migrations.apply(c, List.of(TABLES, edited), 2)).hasMessageContaining("V2__trigger.sql");
        }
    }

    @Test
    void theRecordedChecksumsAStartComparesAreThoseOfTheShippedScripts() throws Exception {
        for (Dialect dialect : Dialect.values()) {
            List<String> computed = Migrations.shippedScripts(dialect).stream().map(Migrations.Script::checksum).toList();
            assertThat(ShippedChecksums.of(dialect)).as("ShippedChecksums of %s (a new migration adds its checksum)", dialect)
                    .isEqualTo(computed);
            assertThat(computed).hasSize(Migrations.latest());
        }
    }

    @Test
    void aDatabaseAtTheLatestVersionIsUpToDateWithoutItsScripts() throws Exception {
        String url = "jdbc:sqlite:" + temp.resolve("aegis.db");
        Database.open(url).close();
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(Migrations.upToDate(c, Dialect.SQLITE)).isTrue();
        }
        try (Connection c = open()) {
            assertThat(Migrations.upToDate(c, Dialect.SQLITE)).as("no schema_version yet").isFalse();
        }
    }

    @Test
    void aRecordedChecksumThatDiffersIsStillRefusedOnOpen() throws Exception {
        String url = "jdbc:sqlite:" + temp.resolve("aegis.db");
        Database.open(url).close();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE schema_version SET checksum = '" + "0".repeat(64) + "' WHERE version = 3");
            assertThat(Migrations.upToDate(c, Dialect.SQLITE)).isFalse();
        }
        assertThatThrownBy(() -> Database.open(url)).isInstanceOf(StoreException.class)
                .hasMessageContaining("V3__credit_reservations.sql was changed after it was applied");
    }

    @Test
    void aMissingRecordedChecksumIsStillFilledInOnOpen() throws Exception {
        String url = "jdbc:sqlite:" + temp.resolve("aegis.db");
        Database.open(url).close();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE schema_version SET checksum = NULL WHERE version = 5");
            assertThat(Migrations.upToDate(c, Dialect.SQLITE)).isFalse();
        }
        Database.open(url).close();
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(Migrations.upToDate(c, Dialect.SQLITE)).isTrue();
        }
    }

    @Test
    void theShippedMigrationsOpenTwiceOnOneFile() {
        String url = "jdbc:sqlite:" + temp.resolve("aegis.db");
        Database.open(url).close();
        Database.open(url).close();
    }
}
