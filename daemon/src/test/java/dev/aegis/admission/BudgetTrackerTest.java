package dev.aegis.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.aegis.config.BudgetPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Budget windows with a fake clock. */
class BudgetTrackerTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-23T23:58:30Z"));
    private final BudgetTracker tracker = new BudgetTracker(() -> now.get());
    private final BudgetPolicy policy = new BudgetPolicy(true, 500, 100, 1000);

    @Test
    void minuteAndDayWindowsStartOverAndRunsDoNot() {
        tracker.charge("k", "t", "r", 90);
        BudgetTracker.Remaining left = tracker.remaining("k", "t", "r", policy);
        assertThat(left.scope()).isEqualTo("minute");
        assertThat(left.tokens()).isEqualTo(10);
        assertThat(left.resetMs()).isEqualTo(30_000);

        // A new minute: the minute budget is whole again, the run and the day keep what was spent.
        now.set(now.get().plus(Duration.ofSeconds(30)));
        assertThat(tracker.remaining("k", "t", "r", policy)).isEqualTo(new BudgetTracker.Remaining("minute", 100, 60_000, 0, 100));
        BudgetPolicy runAndDay = new BudgetPolicy(true, 500, 0, 1000);
        assertThat(tracker.remaining("k", "t", "r", runAndDay)).isEqualTo(new BudgetTracker.Remaining("run", 410, -1, 0, 500));
        tracker.charge("k", "t", "r", 400);
        assertThat(tracker.remaining("k", "t", "r", runAndDay)).isEqualTo(new BudgetTracker.Remaining("run", 10, -1, 0, 500));
        assertThat(tracker.remaining("k", "t", "other-run", runAndDay).tokens()).isEqualTo(500);

        // A new day (UTC): the day budget starts over; a run's never does.
        now.set(now.get().plus(Duration.ofMinutes(2)));
        assertThat(tracker.remaining("k", "t", null, runAndDay)).isEqualTo(new BudgetTracker.Remaining("day", 1000, 86_340_000, 0, 1000));
        assertThat(tracker.remaining("k", "t", "r", runAndDay).tokens()).isEqualTo(10);
    }

    @Test
    void seededDayUsageCounts() {
        tracker.seed(Map.of("t", 950L), Map.of("k", Map.of("r", 20L)));
        BudgetTracker.Remaining left = tracker.remaining("k", "t", "r", policy);
        assertThat(left).isEqualTo(new BudgetTracker.Remaining("day", 50, 90_000, 0, 1000));
        assertThat(tracker.remaining("k", "u", null, policy).tokens()).isEqualTo(100);
    }

    @Test
    void seededMinuteUsageCountsUntilTheMinuteEnds() {
        BudgetPolicy perMinute = new BudgetPolicy(true, 0, 1000, 0);
        tracker.seedMinute(Map.of("acme/red", 600L));
        assertThat(tracker.remaining("k", "acme/red", null, perMinute).tokens()).isEqualTo(400);
        assertThat(tracker.remaining("k", "acme", null, perMinute).tokens()).as("the parent's minute too").isEqualTo(400);
        now.set(now.get().plus(Duration.ofMinutes(1)));
        assertThat(tracker.remaining("k", "acme/red", null, perMinute).tokens()).isEqualTo(1000);
    }

    @Test
    void theUseOfEachTenantAndRunIsReadWithoutResettingIt() {
        tracker.seed(Map.of("acme", 50L), Map.of("k", Map.of("old-run", 20L)));
        tracker.charge("k", "acme/red", "r", 30);
        assertThat(tracker.tenants()).containsExactlyInAnyOrder(new BudgetTracker.TenantUse("acme/red", 30, 30),
                new BudgetTracker.TenantUse("acme", 30, 80));
        assertThat(tracker.runs()).containsExactlyInAnyOrder(new BudgetTracker.RunUse("k", "old-run", 20, 0),
                new BudgetTracker.RunUse("k", "r", 30, now.get().toEpochMilli()));
        // A minute later (a new UTC day too): windows read as spent nothing, runs keep their use.
        now.set(now.get().plus(Duration.ofMinutes(2)));
        assertThat(tracker.tenants()).containsExactlyInAnyOrder(new BudgetTracker.TenantUse("acme/red", 0, 0),
                new BudgetTracker.TenantUse("acme", 0, 0));
        assertThat(tracker.runs()).extracting(BudgetTracker.RunUse::used).containsExactlyInAnyOrder(20L, 30L);
    }

    @Test
    void aRunIsOneKeys() {
        BudgetPolicy perRun = new BudgetPolicy(true, 500, 0, 0);
        tracker.charge("k", "t", "r", 450);
        assertThat(tracker.remaining("k", "t", "r", perRun).tokens()).isEqualTo(50);
        assertThat(tracker.remaining("other-key", "t", "r", perRun).tokens()).isEqualTo(500);
    }

    @Test
    void aSubTenantsCallsSpendItsParentsBudgetToo() {
        BudgetPolicy perDay = new BudgetPolicy(true, 0, 0, 1000);
        tracker.charge("k", "acme/team-1", null, 600);
        tracker.charge("k", "acme/team-2/x", null, 300);
        assertThat(tracker.remaining("k", "acme", null, perDay).tokens()).isEqualTo(100);
        assertThat(tracker.remaining("k", "acme/team-3", null, perDay).tokens()).isEqualTo(100);
        assertThat(tracker.remaining("k", "acme/team-2", null, perDay).tokens()).isEqualTo(100);
        assertThat(tracker.remaining("k", "globex", null, perDay).tokens()).isEqualTo(1000);
        tracker.seed(Map.of("acme/team-1", 50L), Map.of());
        assertThat(tracker.remaining("k", "acme", null, perDay).tokens()).isEqualTo(50);
    }

    @Test
    void staysBoundedWithAHundredThousandDistinctTenantsAndRuns() {
        for (int i = 0; i < 100_000; i++) {
            String id = "id-" + i + "-" + "x".repeat(100);
            tracker.remaining("k", id, id, policy);
            tracker.charge("k" + i, id, id, 10);
        }
        assertThat(tracker.tracked()).isLessThanOrEqualTo(BudgetTracker.MAX_TENANTS + BudgetTracker.MAX_RUNS);
    }

    @Test
    void aHoldCountsOnEveryBudgetOfItsCallUntilReleasedOnce() {
        BudgetPolicy everything = new BudgetPolicy(true, 500, 100, 1000, 300, null);
        BudgetTracker.Hold hold = tracker.hold("k", "acme/red", "r", "s", 40, 7_000);
        assertThat(tracker.every("k", "acme/red", "r", "s", everything, 200L))
                .extracting(BudgetTracker.Remaining::scope, BudgetTracker.Remaining::tokens)
                .containsExactly(tuple("run", 460L), tuple("session", 260L), tuple("minute", 60L), tuple("day", 960L),
                        tuple("minute", 60L), tuple("day", 960L), tuple("key", 160L));
        assertThat(tracker.sessionSpent("k", "s")).containsExactly(40, 7_000, 40, 7_000);
        // Another key's run and session of the same names hold nothing; the tenant's windows are shared.
        assertThat(tracker.remaining("k2", "acme", "r", everything).tokens()).isEqualTo(60);

        tracker.charge("k", "acme/red", "r", "s", 25, 3_000, everything);
        hold.release();
        hold.release();
        assertThat(tracker.sessionSpent("k", "s")).containsExactly(25, 3_000, 0, 0);
        assertThat(tracker.remaining("k", "acme/red", "r", "s", everything, null).tokens()).isEqualTo(75);
        assertThat(tracker.heldCounters()).isZero();
    }

    @Test
    void aHoldOnATenantsWindowsCarriesIntoTheNextWindowWhereItsCallWillBeCharged() {
        BudgetPolicy perMinute = new BudgetPolicy(true, 0, 100, 0);
        BudgetTracker.Hold hold = tracker.hold("k", "t", null, null, 70, 0);
        assertThat(tracker.remaining("k", "t", null, perMinute).tokens()).isEqualTo(30);
        now.set(now.get().plus(Duration.ofSeconds(30))); // 23:59:00: a new minute, the call still running
        assertThat(tracker.remaining("k", "t", null, perMinute).tokens()).isEqualTo(30);
        tracker.charge("k", "t", null, 60);
        hold.release();
        assertThat(tracker.remaining("k", "t", null, perMinute).tokens()).isEqualTo(40);
    }

    @Test
    void noApplicableBudgetMeansNoLimit() {
        assertThat(tracker.remaining("k", "t", null, new BudgetPolicy(true, 500, 0, 0))).isNull();
    }
}
