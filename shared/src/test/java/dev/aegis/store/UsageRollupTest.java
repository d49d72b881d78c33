package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports really read whole days from the rollup, and only partial days from the rows; batches add to it in one order. */
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

    private static UsageRow cell(long ts, String requestId, String keyId, String model) {
        return new UsageRow(ts, requestId, keyId, "default", null, "/v1/chat/completions", model, model, "openai",
                200, null, 1, 0, 0, 1, 0, 10, false, "v", 1.0, null, false, true);
    }

    /** The cells' keys as the rollup holds them, in the order its rows were inserted. */
    private static List<String> cellsInInsertOrder(Database db) {
        return db.read(c -> {
            List<String> cells = new ArrayList<>();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT day, key_id, model FROM usage_daily ORDER BY rowid")) {
                while (rs.next()) {
                    cells.add(rs.getLong(1) + "/" + rs.getString(2) + "/" + rs.getString(3));
                }
            }
            return cells;
        });
    }

    @Test
    void aBatchAddsItsCellsInOneOrderOfTheWholeCellWhateverOrderItsRowsCameIn() {
        try (Database db = Database.open("jdbc:sqlite:" + temp.resolve("aegis.db"))) {
            new UsageStore(db).insert(List.of(cell((D + 1) * DAY, "r1", "key-a", "gpt-4o"), cell(D * DAY, "r2", "key-b", "o3"),
                    cell(D * DAY, "r3", "key-b", "gpt-4o"), cell(D * DAY, "r4", null, "o3"), cell(D * DAY, "r5", "key-a", "o3"),
                    cell(D * DAY + 5, "r6", "key-b", "o3")));

            assertThat(cellsInInsertOrder(db)).containsExactly(D + "/null/o3", D + "/key-a/o3", D + "/key-b/gpt-4o",
                    D + "/key-b/o3", (D + 1) + "/key-a/gpt-4o");
        }
    }

    /**
     * Found by an outside review: two daemons on one PostgreSQL, their batches holding the same cells in
     * other orders, locked the rollup's rows in opposite orders ({@code deadlock detected}, batches retried).
     */
    @Test
    void twoWritersOnOnePostgresWhoseBatchesHoldTheSameCellsInOppositeOrdersNeverDeadlock() throws Exception {
        String url = TestStores.url(Dialect.POSTGRESQL, temp);
        int cells = 40;
        List<UsageRow> forward = new ArrayList<>();
        for (int i = 0; i < cells; i++) {
            forward.add(cell(D * DAY, "seed-" + i, "key-" + i, "gpt-4o"));
        }
        try (Database one = Database.open(url); Database two = Database.open(url)) {
            new UsageStore(one).insert(forward); // the cells exist: each batch then updates (locks) their rows
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService writers = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (Database db : List.of(one, two)) {
                    boolean reversed = db == two;
                    done.add(writers.submit(() -> {
                        go.await();
                        for (int batch = 0; batch < 30; batch++) {
                            List<UsageRow> rows = new ArrayList<>();
                            for (int i = 0; i < cells; i++) {
                                int n = reversed ? cells - 1 - i : i;
                                rows.add(cell(D * DAY + 1, (reversed ? "b-" : "a-") + batch + "-" + n, "key-" + n, "gpt-4o"));
                            }
                            new UsageStore(db).insert(rows);
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : done) {
                    f.get(); // a deadlock fails a batch with StoreException("... deadlock detected")
                }
            } finally {
                writers.shutdownNow();
            }
            assertThat(new UsageQueries(one).report(UsageFilter.ALL, UsageGroup.MODEL).total().requests())
                    .isEqualTo(cells * (1 + 2 * 30));
        }
    }
}
