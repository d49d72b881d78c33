package dev.aegis.admission;

import com.github.benmanes.caffeine.cache.Cache;
import dev.aegis.cache.CallPathCaches;
import dev.aegis.config.BudgetPolicy;
import dev.aegis.store.UsageQueries;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Tokens spent per tenant this minute and today (UTC), and per run and per session of a key (tokens
 * and cost), against a {@link BudgetPolicy}. A tenant's budget counts its sub-tenants' calls too: a
 * call of {@code acme/team-1} spends {@code acme/team-1}'s budget and {@code acme}'s. A run and a
 * session are one key's: two keys that send the same {@code x-run-id} (or session id) have a budget
 * each. Starts from the usage already recorded today (tenants) and this week (runs, sessions), so a
 * restart does not reset a budget.
 *
 * <p>Daemons sharing a PostgreSQL store share their budgets ({@link Shared}, docs/TEAM.md): each
 * budget is then a counter in the store, read when a call is checked; this daemon still counts in
 * memory, for its own calls until they are written and for budgets the store has no counter for yet.
 *
 * <p>A call that a hard budget limits holds what it may still spend ({@link #hold}) until it is
 * charged: the calls in flight at once share what remains instead of each being allowed all of it.
 * Holds are this daemon's; in team mode the other daemons' calls in flight are not seen (docs/TEAM.md).
 *
 * <p>Every table is bounded: at most {@link #MAX_TENANTS} tenants, {@link #MAX_RUNS} runs and as many
 * sessions, kept while used (a tenant for a day, a run or session for a week); beyond that the least
 * used are forgotten.
 */
public final class BudgetTracker {

    private static final long MINUTE = 60_000;
    private static final long DAY = 86_400_000;
    static final int MAX_TENANTS = 10_000;
    static final int MAX_RUNS = 20_000;
    static final int MAX_KEYS = 100_000;
    /** A policy with every budget, for {@link #charge(String, String, String, long)}. */
    private static final BudgetPolicy EVERY_BUDGET = new BudgetPolicy(true, 1, 1, 1, 1, java.math.BigDecimal.ONE);

    /**
     * The tightest budget for a call.
     *
     * @param scope {@code run}, {@code session}, {@code minute}, {@code day} or {@code key}
     * @param tokens what is left, less what calls in flight hold
     * @param resetMs until that budget starts over; -1 for a run's budget, which never does
     * @param held what calls in flight hold of it (given back, less what they use, when they end)
     */
    public record Remaining(String scope, long tokens, long resetMs, long held, long limit) {

        /** One whose whole size is not known here. */
        public Remaining(String scope, long tokens, long resetMs, long held) {
            this(scope, tokens, resetMs, held, -1);
        }

        public Remaining(String scope, long tokens, long resetMs) {
            this(scope, tokens, resetMs, 0);
        }

        /** True when a call needing {@code tokens} could never fit, even with the whole budget free. */
        public boolean neverFits(long tokens) {
            return limit >= 0 && tokens > limit;
        }
    }

    /** What a tenant has spent in the current minute and day (UTC). */
    public record TenantUse(String tenant, long minuteUsed, long dayUsed) {}

    /**
     * What a key's run has spent.
     *
     * @param lastCallMs when this daemon last counted a call of it; 0 when only seeded from the store
     */
    public record RunUse(String keyId, String run, long used, long lastCallMs) {}

    private static final class Windows {
        long minute = -1;
        long minuteUsed;
        long day = -1;
        long dayUsed;
    }

    /** The budgets counted in a store the daemons of a team share (null: this daemon's memory only). */
    public interface Shared {

        /**
         * What each counter has used, over every daemon.
         *
         * @param local what this daemon counts for each (its start's seed and its own calls)
         */
        long[] used(List<String> names, long[] local);

        /** Adds a call's tokens to a counter, in the background; {@code localAfter} is this daemon's count with them. */
        void add(String name, long tokens, long localAfter, long expiresMs);
    }

    /** One budget a call is checked against: its counter's name, this daemon's count for it and what its calls in flight hold. */
    private record Limit(String scope, String counter, long limit, long localUsed, long held, long resetMs) {}

    /**
     * What one call in flight holds of its budgets, until {@link #release()}: its tokens on each
     * counter it will be charged to, and its cost on its session's.
     */
    public final class Hold {
        private final List<String> counters;
        private final long tokens;
        private final String costCounter;
        private final long costNanos;
        private boolean released;

        private Hold(List<String> counters, long tokens, String costCounter, long costNanos) {
            this.counters = counters;
            this.tokens = tokens;
            this.costCounter = costCounter;
            this.costNanos = costNanos;
        }

        /** The tokens the call holds: its prompt's estimate and the most output it may produce. */
        public long tokens() {
            return tokens;
        }

        /** The nano-USD the call holds of its session's cost budget (0 when it holds none). */
        public long costNanos() {
            return costNanos;
        }

        /** Gives back what the call held (once; call after it is charged, so that nothing is counted as free between). */
        public void release() {
            synchronized (BudgetTracker.this) {
                if (released) {
                    return;
                }
                released = true;
                counters.forEach(c -> unhold(c, tokens));
                if (costCounter != null) {
                    unhold(costCounter, costNanos);
                }
            }
        }
    }

    /**
     * Tokens (nano-USD for a session's cost) held by the calls in flight, per counter (a tenant's
     * windows: {@link #windowHold}); only counters held now.
     */
    private final Map<String, Long> held = new HashMap<>();

    /** A run or a session as one key sees it. */
    private record Span(String keyId, String id) {}

    /** What one run or session of a key has spent, and when this daemon last counted a call of it (0: seeded). */
    private static final class Spent {
        long tokens;
        long costNanos;
        long lastCallMs;
    }

    /** A key's runs or sessions, bounded and forgotten a week after their last use. */
    private static final class Spans {
        private final Cache<Span, Spent> spent = CallPathCaches.builder()
                .expireAfterAccess(Duration.ofDays(7)).maximumSize(MAX_RUNS).build();

        Spent of(String keyId, String id) {
            return spent.get(new Span(keyId, id), s -> new Spent());
        }

        long size() {
            spent.cleanUp();
            return spent.estimatedSize();
        }
    }

    private final InstantSource clock;
    // Evicted and expired on the calling thread (these methods hold the lock anyway), so the bound holds at once.
    private final Cache<String, Windows> tenants = CallPathCaches.builder()
            .expireAfterAccess(Duration.ofDays(1)).maximumSize(MAX_TENANTS).build();
    private final Spans runs = new Spans();
    private final Spans sessions = new Spans();
    private final Function<String, Long> keyUsage;
    private final Shared shared;
    private final Cache<String, long[]> keys = CallPathCaches.builder()
            .expireAfterAccess(Duration.ofDays(1)).maximumSize(MAX_KEYS).build();

    public BudgetTracker(InstantSource clock) {
        this(clock, keyId -> 0L);
    }

    /** @param keyUsage the tokens a key has used so far, read once when its budget is first checked */
    public BudgetTracker(InstantSource clock, Function<String, Long> keyUsage) {
        this(clock, keyUsage, null);
    }

    /** @param shared the team's store of budgets, or null to count in this daemon's memory only */
    public BudgetTracker(InstantSource clock, Function<String, Long> keyUsage, Shared shared) {
        this.clock = clock;
        this.keyUsage = keyUsage;
        this.shared = shared;
    }

    /** Counts tokens against a key's lifetime budget. */
    public void chargeKey(String keyId, long tokens) {
        long after;
        synchronized (this) {
            long[] used = keys.get(keyId, k -> new long[] {keyUsage.apply(k)});
            used[0] += tokens;
            after = used[0];
        }
        if (shared != null) {
            shared.add(keyCounter(keyId), tokens, after, Long.MAX_VALUE);
        }
    }

    /**
     * Tokens already used when the daemon starts: today per tenant, and per key and run.
     *
     * @param byKeyAndRun tokens per key id, then per run id
     */
    public synchronized void seed(Map<String, Long> todayByTenant, Map<String, Map<String, Long>> byKeyAndRun) {
        long now = clock.millis();
        todayByTenant.forEach((tenant, used) -> {
            for (String t : withParents(tenant)) {
                windows(t, now).dayUsed += used;
            }
        });
        byKeyAndRun.forEach((keyId, byRun) ->
                byRun.forEach((run, used) -> runs.of(keyId, run).tokens += used));
    }

    /**
     * Tokens already used in the current minute (UTC) when the daemon starts, per tenant: the calls recorded
     * since the minute began, so a restart within a minute does not give its per-minute budget back.
     */
    public synchronized void seedMinute(Map<String, Long> thisMinuteByTenant) {
        long now = clock.millis();
        thisMinuteByTenant.forEach((tenant, used) -> {
            for (String t : withParents(tenant)) {
                windows(t, now).minuteUsed += used;
            }
        });
    }

    /** Tokens and cost already spent when the daemon starts, per key id and session id. */
    public synchronized void seedSessions(Map<String, Map<String, UsageQueries.Spent>> byKeyAndSession) {
        byKeyAndSession.forEach((keyId, bySession) -> bySession.forEach((session, spent) -> {
            Spent s = sessions.of(keyId, session);
            s.tokens += spent.tokens();
            s.costNanos += spent.costNanos();
        }));
    }

    /**
     * The tokens and nano-USD a key's session has spent so far (over every daemon of a team) with
     * what this daemon's calls of it in flight hold, then what they hold (tokens, nano-USD).
     */
    public long[] sessionSpent(String keyId, String session) {
        long[] local;
        long[] inFlight;
        String tokens = sessionCounter(keyId, session);
        String cost = sessionCostCounter(keyId, session);
        synchronized (this) {
            Spent s = sessions.of(keyId, session);
            local = new long[] {s.tokens, s.costNanos};
            inFlight = new long[] {held.getOrDefault(tokens, 0L), held.getOrDefault(cost, 0L)};
        }
        long[] spent = shared == null ? local : shared.used(List.of(tokens, cost), local);
        return new long[] {spent[0] + inFlight[0], spent[1] + inFlight[1], inFlight[0], inFlight[1]};
    }

    /** The tightest budget left for a key's call, or null when the policy sets none that applies. */
    public Remaining remaining(String keyId, String tenant, String run, BudgetPolicy policy) {
        return remaining(keyId, tenant, run, null, policy, null);
    }

    /**
     * The tightest budget left for a key's call, or null when none applies.
     *
     * @param session the call's coding-agent session ({@link BudgetPolicy#perSession()}), or null
     * @param keyBudget the key's own lifetime budget (scope {@code key}), or null
     */
    public Remaining remaining(String keyId, String tenant, String run, String session, BudgetPolicy policy, Long keyBudget) {
        Remaining tightest = null;
        for (Remaining r : every(keyId, tenant, run, session, policy, keyBudget)) {
            tightest = tighter(tightest, r);
        }
        return tightest;
    }

    /**
     * What is left of each budget that applies to a key's call, less what calls in flight hold (one
     * query when a team's daemons share them).
     */
    public List<Remaining> every(String keyId, String tenant, String run, String session, BudgetPolicy policy, Long keyBudget) {
        List<Limit> limits = limits(keyId, tenant, run, session, policy, keyBudget);
        if (limits.isEmpty()) {
            return List.of();
        }
        long[] used = new long[limits.size()];
        for (int i = 0; i < used.length; i++) {
            used[i] = limits.get(i).localUsed();
        }
        if (shared != null) {
            // Outside the lock: the store's answer does not hold up this daemon's other calls.
            used = shared.used(limits.stream().map(Limit::counter).toList(), used);
        }
        List<Remaining> out = new ArrayList<>(used.length);
        for (int i = 0; i < used.length; i++) {
            Limit l = limits.get(i);
            out.add(new Remaining(l.scope(), l.limit() - used[i] - l.held(), l.resetMs(), l.held(), l.limit()));
        }
        return out;
    }

    private synchronized List<Limit> limits(String keyId, String tenant, String run, String session, BudgetPolicy policy,
            Long keyBudget) {
        long now = clock.millis();
        List<Limit> limits = new ArrayList<>(4);
        if (policy.perRun() > 0 && run != null) {
            String counter = runCounter(keyId, run);
            limits.add(limit("run", counter, counter, policy.perRun(), runs.of(keyId, run).tokens, -1));
        }
        if (policy.perSession() > 0 && session != null) {
            String counter = sessionCounter(keyId, session);
            limits.add(limit("session", counter, counter, policy.perSession(), sessions.of(keyId, session).tokens, -1));
        }
        if (policy.perMinute() > 0 || policy.perDay() > 0) {
            for (String t : withParents(tenant)) {
                Windows w = windows(t, now);
                if (policy.perMinute() > 0) {
                    limits.add(limit("minute", minuteCounter(t, w), windowHold("minute", t), policy.perMinute(),
                            w.minuteUsed, (w.minute + 1) * MINUTE - now));
                }
                if (policy.perDay() > 0) {
                    limits.add(limit("day", dayCounter(t, w), windowHold("day", t), policy.perDay(), w.dayUsed,
                            (w.day + 1) * DAY - now));
                }
            }
        }
        if (keyBudget != null) {
            String counter = keyCounter(keyId);
            limits.add(limit("key", counter, counter, keyBudget, keys.get(keyId, k -> new long[] {keyUsage.apply(k)})[0], -1));
        }
        return limits;
    }

    /** @param holdKey where calls in flight hold this budget ({@link #held}) */
    private Limit limit(String scope, String counter, String holdKey, long limit, long localUsed, long resetMs) {
        return new Limit(scope, counter, limit, localUsed, held.getOrDefault(holdKey, 0L), resetMs);
    }

    /**
     * Where calls in flight hold a tenant's minute or day: not one window's counter, since a call is
     * charged to the window it ends in, which may be the next one.
     */
    private static String windowHold(String window, String tenant) {
        return "held-" + window + ":" + tenant;
    }

    /**
     * Holds a call's tokens on every budget it will be charged to (its run, session, tenants' minute
     * and day, key), and its cost on its session's, until it is charged and the hold released.
     *
     * @param run the call's run, or null
     * @param session the call's session, or null
     */
    public synchronized Hold hold(String keyId, String tenant, String run, String session, long tokens, long costNanos) {
        List<String> counters = new ArrayList<>(6);
        if (run != null) {
            counters.add(runCounter(keyId, run));
        }
        if (session != null) {
            counters.add(sessionCounter(keyId, session));
        }
        for (String t : withParents(tenant)) {
            counters.add(windowHold("minute", t));
            counters.add(windowHold("day", t));
        }
        counters.add(keyCounter(keyId));
        counters.forEach(c -> held.merge(c, tokens, Long::sum));
        String costCounter = session != null && costNanos > 0 ? sessionCostCounter(keyId, session) : null;
        if (costCounter != null) {
            held.merge(costCounter, costNanos, Long::sum);
        }
        return new Hold(counters, tokens, costCounter, costNanos);
    }

    private void unhold(String counter, long amount) {
        held.computeIfPresent(counter, (c, h) -> h - amount == 0 ? null : h - amount);
    }

    /** How many counters calls in flight hold now (tests: a released hold leaves nothing behind). */
    synchronized int heldCounters() {
        return held.size();
    }

    /** Counts a call's tokens against every budget it may have (in team mode, adds them to every shared counter). */
    public void charge(String keyId, String tenant, String run, long tokens) {
        charge(keyId, tenant, run, null, tokens, 0, EVERY_BUDGET);
    }

    /**
     * Counts a call's tokens; in team mode, adds them to the shared counters of the budgets the
     * policy sets (a counter no budget reads is not written: if one is set later, its counter starts
     * from this daemon's count, which has every call).
     */
    public void charge(String keyId, String tenant, String run, String session, long tokens, long costNanos,
            BudgetPolicy policy) {
        if (tokens <= 0 && costNanos <= 0) {
            return;
        }
        // What to add to the shared counters, once this daemon's own count is done and its lock released.
        List<Runnable> toShare = shared == null ? List.of() : new ArrayList<>(4);
        synchronized (this) {
            long now = clock.millis();
            // A run or session is forgotten a week after it was last used, in memory and in the store.
            long idleEnds = (now / DAY + 8) * DAY;
            if (session != null) {
                Spent s = sessions.of(keyId, session);
                s.tokens += Math.max(0, tokens);
                s.costNanos += Math.max(0, costNanos);
                s.lastCallMs = now;
                if (shared != null && policy.perSession() > 0 && tokens > 0) {
                    long after = s.tokens;
                    toShare.add(() -> shared.add(sessionCounter(keyId, session), tokens, after, idleEnds));
                }
                if (shared != null && policy.perSessionUsd() != null && costNanos > 0) {
                    long after = s.costNanos;
                    toShare.add(() -> shared.add(sessionCostCounter(keyId, session), costNanos, after, idleEnds));
                }
            }
            if (tokens > 0) {
                for (String t : withParents(tenant)) {
                    Windows w = windows(t, now);
                    w.minuteUsed += tokens;
                    w.dayUsed += tokens;
                    if (shared != null && policy.perMinute() > 0) {
                        String minute = minuteCounter(t, w);
                        long used = w.minuteUsed;
                        long ends = (w.minute + 2) * MINUTE;
                        toShare.add(() -> shared.add(minute, tokens, used, ends));
                    }
                    if (shared != null && policy.perDay() > 0) {
                        String day = dayCounter(t, w);
                        long used = w.dayUsed;
                        long ends = (w.day + 2) * DAY;
                        toShare.add(() -> shared.add(day, tokens, used, ends));
                    }
                }
                if (run != null) {
                    Spent r = runs.of(keyId, run);
                    r.tokens += tokens;
                    r.lastCallMs = now;
                    if (shared != null && policy.perRun() > 0) {
                        long after = r.tokens;
                        toShare.add(() -> shared.add(runCounter(keyId, run), tokens, after, idleEnds));
                    }
                }
            }
        }
        toShare.forEach(Runnable::run);
    }

    /** Counter names: the scope, then the fixed-format part (key id, window number), then the free-form id. */
    private static String runCounter(String keyId, String run) {
        return "run:" + keyId + ":" + run;
    }

    private static String sessionCounter(String keyId, String session) {
        return "session:" + keyId + ":" + session;
    }

    private static String sessionCostCounter(String keyId, String session) {
        return "session-usd:" + keyId + ":" + session;
    }

    private static String minuteCounter(String tenant, Windows w) {
        return "minute:" + w.minute + ":" + tenant;
    }

    private static String dayCounter(String tenant, Windows w) {
        return "day:" + w.day + ":" + tenant;
    }

    private static String keyCounter(String keyId) {
        return "key:" + keyId;
    }

    /** Every tracked tenant's use in the current minute and day (reading does not keep one tracked longer). */
    public synchronized List<TenantUse> tenants() {
        long now = clock.millis();
        List<TenantUse> out = new ArrayList<>();
        tenants.asMap().forEach((t, w) -> out.add(new TenantUse(t,
                w.minute == now / MINUTE ? w.minuteUsed : 0, w.day == now / DAY ? w.dayUsed : 0)));
        return out;
    }

    /** Every tracked run's use (reading does not keep one tracked longer). */
    public synchronized List<RunUse> runs() {
        List<RunUse> out = new ArrayList<>();
        runs.spent.asMap().forEach((r, s) -> out.add(new RunUse(r.keyId(), r.id(), s.tokens, s.lastCallMs)));
        return out;
    }

    /** How many tenants, runs and sessions are tracked (tests: the tables stay bounded). */
    synchronized long tracked() {
        tenants.cleanUp();
        return tenants.estimatedSize() + runs.size() + sessions.size();
    }

    /** A tenant and each tenant it is a sub-tenant of: {@code a/b/c}, {@code a/b}, {@code a}. */
    private static List<String> withParents(String tenant) {
        String t = tenant == null ? "" : tenant;
        List<String> out = new ArrayList<>(2);
        out.add(t);
        for (int slash = t.lastIndexOf('/'); slash > 0; slash = t.lastIndexOf('/', slash - 1)) {
            out.add(t.substring(0, slash));
        }
        return out;
    }

    private Windows windows(String tenant, long now) {
        Windows w = tenants.get(tenant, t -> new Windows());
        if (w.minute != now / MINUTE) {
            w.minute = now / MINUTE;
            w.minuteUsed = 0;
        }
        if (w.day != now / DAY) {
            w.day = now / DAY;
            w.dayUsed = 0;
        }
        return w;
    }

    private static Remaining tighter(Remaining a, Remaining b) {
        return a == null || b.tokens() < a.tokens() ? b : a;
    }
}
