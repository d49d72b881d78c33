package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The store side of team mode's shared budgets and rate limits (docs/TEAM.md). */
class TeamLimitsStoreTest {

    private static final long MINUTE_NS = Duration.ofMinutes(1).toNanos();

    @TempDir
    Path temp;

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void budgetCountersStartFromTheirSeedAddUpAndExpire(Dialect dialect) {
        try (Database db = TestStores.open(dialect, temp)) {
            BudgetCounters counters = new BudgetCounters(db);
            assertThat(counters.used(List.of("day:1:acme"))).isEmpty();
            // The first daemon to write a counter creates it with what it counts (its seed, this call included).
            counters.add(Map.of("day:1:acme", new BudgetCounters.Addition(10, 510, 1_000),
                    "run:k:r", new BudgetCounters.Addition(10, 10, 5_000)));
            // Another daemon's addition is relative: its own seed does not replace what is there.
            counters.add(Map.of("day:1:acme", new BudgetCounters.Addition(7, 9_999, 2_000)));
            assertThat(counters.used(List.of("day:1:acme", "run:k:r", "minute:3:acme")))
                    .containsExactlyInAnyOrderEntriesOf(Map.of("day:1:acme", 517L, "run:k:r", 10L));
            assertThat(counters.prune(3_000)).isEqualTo(1);
            assertThat(counters.used(List.of("day:1:acme", "run:k:r"))).containsOnlyKeys("run:k:r");
        }
    }

    @Test
    void aRequestRuleAdmitsItsBurstOnceOverTwoPools() throws Exception {
        String url = TestStores.url(Dialect.POSTGRESQL, temp);
        try (Database one = Database.open(url, Database.PageCache.APPENDS);
                Database two = Database.open(url, Database.PageCache.APPENDS)) {
            List<RateLimitState> daemons = List.of(new RateLimitState(one), new RateLimitState(two));
            // 5 per minute: a burst of 5, then one every 12 s.
            RateLimitState.Step step = new RateLimitState.Step("60000ms:5r:model", MINUTE_NS / 5, MINUTE_NS);
            AtomicInteger admitted = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> calls = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 40; i++) {
                    RateLimitState state = daemons.get(i % 2);
                    calls.add(pool.submit(() -> {
                        go.await();
                        if (state.admit("k", List.of(step)).admitted()) {
                            admitted.incrementAndGet();
                        }
                        return null;
                    }));
                }
                go.countDown();
            }
            for (Future<?> f : calls) {
                f.get();
            }
            assertThat(admitted.get()).isEqualTo(5);
            RateLimitState.Outcome refused = daemons.get(0).admit("k", List.of(step));
            assertThat(refused.admitted()).isFalse();
            // Its state: the next place frees 12 s after the first call, so the arrival time is a minute ahead, less that.
            assertThat(refused.tatNs().get(step.rule()) - refused.nowNs()).isBetween(MINUTE_NS - Duration.ofSeconds(5).toNanos(),
                    MINUTE_NS);
        }
    }

    @Test
    void aCallRefusedByOneRuleTakesNothingFromTheOthers() {
        String url = TestStores.url(Dialect.POSTGRESQL, temp);
        try (Database db = Database.open(url, Database.PageCache.APPENDS)) {
            RateLimitState state = new RateLimitState(db);
            RateLimitState.Step loose = new RateLimitState.Step("a-loose", MINUTE_NS / 100, MINUTE_NS);
            RateLimitState.Step tight = new RateLimitState.Step("b-tight", MINUTE_NS, MINUTE_NS);
            assertThat(state.admit("k", List.of(loose, tight)).admitted()).isTrue();
            RateLimitState.Outcome second = state.admit("k", List.of(loose, tight));
            assertThat(second.admitted()).isFalse();
            // The loose rule's step of the refused call was rolled back: one call's worth ahead of now, not two.
            long looseAhead = second.tatNs().get("a-loose") - second.nowNs();
            assertThat(looseAhead).isPositive().isLessThanOrEqualTo(MINUTE_NS / 100);
            // A token charge (unconditional, in the background) moves the state on.
            state.add(Map.of("k", Map.of("a-loose", MINUTE_NS)));
            assertThat(state.admit("k", List.of(loose)).admitted()).isFalse();
            assertThat(state.prune()).isZero();
        }
    }

    /** A lease takes as many places as the window has room for, up to what is wanted; handed back (negative), they are free again. */
    @Test
    void aLeaseTakesWhatTheWindowHoldsAndHandsBackWhatIsUnused() {
        String url = TestStores.url(Dialect.POSTGRESQL, temp);
        try (Database db = Database.open(url, Database.PageCache.APPENDS)) {
            RateLimitState state = new RateLimitState(db);
            // 10 per minute: a lease of 4 (and the call's own place), then 5, then only the 1 left, then none.
            RateLimitState.Step five = new RateLimitState.Step("r", MINUTE_NS / 10, MINUTE_NS, 5, 1);
            assertThat(state.admit("k", List.of(five)).granted()).containsEntry("r", 5);
            assertThat(state.admit("k", List.of(five)).granted()).containsEntry("r", 5);
            RateLimitState.Outcome none = state.admit("k", List.of(five));
            assertThat(none.admitted()).isFalse();
            assertThat(none.granted()).containsEntry("r", 0);
            // A daemon still holding a place (min 0) is admitted with what is left (nothing): its own place serves the call.
            assertThat(state.admit("k", List.of(new RateLimitState.Step("r", MINUTE_NS / 10, MINUTE_NS, 5, 0))).admitted()).isTrue();
            // Three places handed back: a lease of five gets those three.
            state.add(Map.of("k", Map.of("r", -3 * MINUTE_NS / 10)));
            RateLimitState.Outcome back = state.admit("k", List.of(five));
            assertThat(back.admitted()).isTrue();
            assertThat(back.granted()).containsEntry("r", 3);
        }
    }
}
