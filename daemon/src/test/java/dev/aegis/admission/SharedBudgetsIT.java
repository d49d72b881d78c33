package dev.aegis.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.store.BudgetCounters;
import dev.aegis.store.Database;
import dev.aegis.store.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Team mode's shared budgets on a real PostgreSQL (docs/TEAM.md): the calls that need a key's
 * counters while a read of them is under way take its answer, so a busy key's counters are read
 * once, not once per call arriving during the round trip.
 */
class SharedBudgetsIT {

    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();

    private static final List<String> COUNTERS = List.of("day:team", "run:team:build-1");
    private static final int CALLS = 10;

    @Test
    void callsArrivingDuringAReadShareItsAnswer() throws Exception {
        String url = POSTGRES.server().newDatabase();
        // The daemon's pool (8 connections): room for every call to send its own read.
        try (Database db = Database.open(url, Database.PageCache.APPENDS);
                SharedBudgets budgets = new SharedBudgets(new BudgetCounters(db), InstantSource.system())) {
            new BudgetCounters(db).add(Map.of(COUNTERS.getFirst(), new BudgetCounters.Addition(10, 10, Long.MAX_VALUE)));
            List<Future<long[]>> calls = new ArrayList<>();
            int mostReads;
            try (Connection other = DriverManager.getConnection(url); Statement st = other.createStatement();
                    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                // Another daemon adds 5 tokens and holds the table: every read waits until it commits.
                other.setAutoCommit(false);
                st.execute("UPDATE budget_counters SET used = used + 5");
                st.execute("LOCK TABLE budget_counters IN ACCESS EXCLUSIVE MODE");
                CountDownLatch started = new CountDownLatch(CALLS);
                for (int i = 0; i < CALLS; i++) {
                    calls.add(pool.submit(() -> {
                        started.countDown();
                        return budgets.used(COUNTERS, new long[] {0, 0});
                    }));
                }
                started.await();
                // Watch the reads waiting on the lock for a second: one, shared by every call.
                mostReads = 0;
                long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                try (Connection watch = DriverManager.getConnection(url); Statement w = watch.createStatement()) {
                    while (System.nanoTime() < until) {
                        try (ResultSet rs = w.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                + " AND query LIKE 'SELECT name, used FROM budget_counters%'")) {
                            rs.next();
                            mostReads = Math.max(mostReads, rs.getInt(1));
                        }
                    }
                }
                other.commit();
                for (Future<long[]> call : calls) {
                    assertThat(call.get()).as("the answer of the one read, after the other daemon's commit").containsExactly(15, 0);
                }
            }
            assertThat(mostReads).as("reads of the counters sent by %d calls arriving together", CALLS).isEqualTo(1);
        }
    }
}
