package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite connection's life: closing it. */
class SqliteConnectionTest {

    @TempDir
    Path temp;

    /** Found by an outside review: on a full disk, a read-only command failed as its store's close could not checkpoint. */
    @Test
    void aCheckpointThatFailsOnCloseDoesNotFailTheCloseAndLosesNothing() {
        String url = "jdbc:sqlite:" + temp.resolve("aegis.db");
        Database db = Database.open(url);
        new UsageStore(db).insert(java.util.List.of(new UsageRow(1000, "r1", "key-a", "default", null, "/v1/chat/completions",
                "gpt-4o", "gpt-4o", "openai", 200, null, 1, 0, 0, 1, 0, 10, false, "v", 1.0, null, false, true)));
        // A statement still reading locks the database for this connection's checkpoint, as a full disk fails it.
        db.read(c -> {
            ResultSet rs = c.createStatement().executeQuery("SELECT request_id FROM usage UNION ALL SELECT request_id FROM usage");
            return rs.next();
        });

        db.close();

        try (Database again = Database.open(url)) {
            assertThat(new UsageQueries(again).report(UsageFilter.ALL, UsageGroup.MODEL).total().requests()).isEqualTo(1);
        }
    }
}
