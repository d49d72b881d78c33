package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports really read whole days from the rollup, and only partial days from the rows. */
class UsageRollupTest {

    private static final long DAY = UsageRollup.DAY_MS;
    private static final long D = 20_400;

    @TempDir
    Path temp;

    private static UsageRow call(long ts, long input) {
        return new UsageRow(ts, "req-" + ts, "key-a", "default", null, "/v1/chat/completions", "gpt-4o", "gpt-4o", "openai",
                200, null, input, 0, 0, 10, 0, 1000, false, "v", 1.0, null, false, true);
    }

    @Test
    void wholeDaysComeFromTheRollupPartialDaysFromTheRows() {
        try (Database db = Database.open("jdbc:sqlite:" + temp.resolve("aegis.db"))) {
            new UsageStore(db).insert(List.of(call(D * DAY + 10, 1), call((D + 1) * DAY + 10, 2), call((D + 2) * DAY + 10, 4)));
            // Take the raw rows away behind the rollup's back: only a report that reads the rollup still sees them.
            db.write(c -> {
                try (Statement st = c.createStatement()) {
                    return st.executeUpdate("DELETE FROM usage");
                }
            });
            UsageQueries q = new UsageQueries(db);

            assertThat(q.report(UsageFilter.ALL, UsageGroup.MODEL).total().input()).isEqualTo(7);
            assertThat(q.report(new UsageFilter(D * DAY, (D + 2) * DAY, null, null, null, null), UsageGroup.DAY)
                    .total().input()).isEqualTo(3);
            // Day D starts one millisecond late and day D+2 is cut: both are partial, read from the (now empty) rows.
            assertThat(q.report(new UsageFilter(D * DAY + 1, (D + 2) * DAY + 20, null, null, null, null), UsageGroup.DAY)
                    .total().input()).isEqualTo(2);
            // Runs are not rolled up: a report by run reads only the rows.
            assertThat(q.report(UsageFilter.ALL, UsageGroup.RUN).total().requests()).isZero();
        }
    }
}
