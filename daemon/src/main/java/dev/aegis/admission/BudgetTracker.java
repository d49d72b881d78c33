package dev.aegis.admission;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.aegis.config.BudgetPolicy;
import dev.aegis.store.UsageQueries;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Tokens spent per tenant this minute and today (UTC), and per run and per session of a key (tokens
 * and cost), against a {@link BudgetPolicy}. A tenant's budget counts its sub-tenants' calls too: a call
 * of {@code acme/team-1} spends {@code acme/team-1}'s budget and {@code acme}'s. A run and a session are
 * one key's: two keys that send the same {@code x-run-id} (or session id) have a budget each. Starts from
 * the usage already recorded today (tenants) and this week (runs, sessions), so a restart does not reset
 * a budget.
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

    /**
     * The tightest budget for a call.
     *
     * @param scope {@code run}, {@code minute} or {@code day}
     * @param resetMs until that budget starts over; -1 for a run's budget, which never does
     */
    public record Remaining(String scope, long tokens, long resetMs) {}

    private static final class Windows {
        long minute = -1;
        long minuteUsed;
        long day = -1;
        long dayUsed;
    }

    /** A run or a session as one key sees it. */
    private record Span(String keyId, String id) {}

    /** What each run (or session) of a key has spent: tokens, then nano-USD. */
    private static final class Spans {
        private final Cache<Span, long[]> spent = Caffeine.newBuilder().executor(Runnable::run)
                .expireAfterAccess(Duration.ofDays(7)).maximumSize(MAX_RUNS).build();

        long[] of(String keyId, String id) {
            return spent.get(new Span(keyId, id), s -> new long[2]);
        }

        void charge(String keyId, String id, long tokens, long costNanos) {
            long[] s = of(keyId, id);
            s[0] += tokens;
            s[1] += costNanos;
        }

        long size() {
            spent.cleanUp();
            return spent.estimatedSize();
        }
    }

    private final InstantSource clock;
    // Evicted and expired on the calling thread (these methods hold the lock anyway), so the bound holds at once.
    private final Cache<String, Windows> tenants = Caffeine.newBuilder().executor(Runnable::run)
            .expireAfterAccess(Duration.ofDays(1)).maximumSize(MAX_TENANTS).build();
    private final Spans runs = new Spans();
    private final Spans sessions = new Spans();
    private final Function<String, Long> keyUsage;
    private final Cache<String, long[]> keys = Caffeine.newBuilder().executor(Runnable::run)
            .expireAfterAccess(Duration.ofDays(1)).maximumSize(MAX_KEYS).build();

    public BudgetTracker(InstantSource clock) {
        this(clock, keyId -> 0L);
    }

    /** @param keyUsage the tokens a key has used so far, read once when its budget is first checked */
    public BudgetTracker(InstantSource clock, Function<String, Long> keyUsage) {
        this.clock = clock;
        this.keyUsage = keyUsage;
    }

    /** Tokens a key with a lifetime budget has left. */
    public synchronized long keyRemaining(String keyId, long budget) {
        return budget - keys.get(keyId, k -> new long[] {keyUsage.apply(k)})[0];
    }

    /** Counts tokens against a key's lifetime budget. */
    public synchronized void chargeKey(String keyId, long tokens) {
        keys.get(keyId, k -> new long[] {keyUsage.apply(k)})[0] += tokens;
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
        byKeyAndRun.forEach((keyId, byRun) -> byRun.forEach((run, used) -> runs.charge(keyId, run, used, 0)));
    }

    /** Tokens and cost already spent when the daemon starts, per key id and session id. */
    public synchronized void seedSessions(Map<String, Map<String, UsageQueries.Spent>> byKeyAndSession) {
        byKeyAndSession.forEach((keyId, bySession) -> bySession.forEach((session, spent) ->
                sessions.charge(keyId, session, spent.tokens(), spent.costNanos())));
    }

    /** Tokens and nano-USD a key's session has spent so far. */
    public synchronized long[] sessionSpent(String keyId, String session) {
        return sessions.of(keyId, session).clone();
    }

    /** The tightest token budget left for a key's call, or null when the policy sets none that applies. */
    public synchronized Remaining remaining(String keyId, String tenant, String run, BudgetPolicy policy) {
        return remaining(keyId, tenant, run, null, policy);
    }

    /** The same, with the call's session ({@link BudgetPolicy#perSession()} tokens; null: none). */
    public synchronized Remaining remaining(String keyId, String tenant, String run, String session, BudgetPolicy policy) {
        long now = clock.millis();
        Remaining tightest = null;
        if (policy.perRun() > 0 && run != null) {
            tightest = tighter(tightest, new Remaining("run", policy.perRun() - runs.of(keyId, run)[0], -1));
        }
        if (policy.perSession() > 0 && session != null) {
            tightest = tighter(tightest, new Remaining("session", policy.perSession() - sessions.of(keyId, session)[0], -1));
        }
        for (String t : withParents(tenant)) {
            Windows w = windows(t, now);
            if (policy.perMinute() > 0) {
                tightest = tighter(tightest,
                        new Remaining("minute", policy.perMinute() - w.minuteUsed, (w.minute + 1) * MINUTE - now));
            }
            if (policy.perDay() > 0) {
                tightest = tighter(tightest, new Remaining("day", policy.perDay() - w.dayUsed, (w.day + 1) * DAY - now));
            }
        }
        return tightest;
    }

    public synchronized void charge(String keyId, String tenant, String run, long tokens) {
        charge(keyId, tenant, run, null, tokens, 0);
    }

    /** Counts a call's tokens against its tenant, run and session, and its cost against its session. */
    public synchronized void charge(String keyId, String tenant, String run, String session, long tokens, long costNanos) {
        if (session != null && (tokens > 0 || costNanos > 0)) {
            sessions.charge(keyId, session, Math.max(0, tokens), Math.max(0, costNanos));
        }
        if (tokens <= 0) {
            return;
        }
        long now = clock.millis();
        for (String t : withParents(tenant)) {
            Windows w = windows(t, now);
            w.minuteUsed += tokens;
            w.dayUsed += tokens;
        }
        if (run != null) {
            runs.charge(keyId, run, tokens, costNanos);
        }
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
