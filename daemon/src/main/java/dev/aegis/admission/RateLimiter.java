package dev.aegis.admission;

import com.github.benmanes.caffeine.cache.Cache;
import dev.aegis.cache.CallPathCaches;
import dev.aegis.config.RateLimitRule;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Request rate limits per key with GCRA (the generic cell rate algorithm): a limit of N per window
 * admits a burst of N and then one call every window/N, smoothly, so there is no window edge where
 * twice the limit gets through. Several rules apply at once; a call is admitted only when every rule
 * admits it, and then counts against all of them. This one counts in the daemon's memory; daemons
 * sharing a PostgreSQL store share their limits through {@link SharedRateLimiter}.
 */
public final class RateLimiter implements KeyRateLimits {

    /**
     * The answer for one call, describing the tightest rule.
     *
     * @param resetMs until that rule is back to its full burst
     * @param retryAfterMs when refused, how long until a call would be admitted
     * @param held refused only because of what the key's calls in flight hold of a token rule
     *     ({@link #holdTokens}), given back as they end
     */
    public record Verdict(boolean allowed, long limit, long remaining, long resetMs, long retryAfterMs, boolean held) {

        public Verdict(boolean allowed, long limit, long remaining, long resetMs, long retryAfterMs) {
            this(allowed, limit, remaining, resetMs, retryAfterMs, false);
        }
    }

    /** When to retry a call refused for what calls in flight hold: they end and give it back meanwhile. */
    static final long HELD_RETRY_MS = 1_000;

    /**
     * Per key: the theoretical arrival time of each rule, in clock nanoseconds, and what of it the
     * key's calls in flight hold (token rules).
     */
    private static final class KeyState {
        final Map<RateLimitRule, Long> tat = new HashMap<>();
        final Map<RateLimitRule, Long> heldNs = new HashMap<>();
    }

    private final LongSupplier nanoClock;
    // Its upkeep runs on the calling thread: handed to the common pool, it woke a thread every few calls.
    private final Cache<String, KeyState> states = CallPathCaches.builder()
            .expireAfterAccess(Duration.ofHours(2)).maximumSize(100_000).build();

    /** @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}; a fake one in tests) */
    public RateLimiter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    @Override
    public Verdict acquire(String keyId, List<RateLimitRule> rules) {
        if (rules.isEmpty()) {
            return null;
        }
        KeyState state = states.get(keyId, k -> new KeyState());
        synchronized (state) {
            long now = nanoClock.getAsLong();
            Map<RateLimitRule, Long> current = new HashMap<>();
            // A token rule is checked here without what calls in flight hold: holdTokens weighs those.
            rules.forEach(rule -> current.put(rule,
                    Math.max(state.tat.getOrDefault(rule, now) - state.heldNs.getOrDefault(rule, 0L), now)));
            Map<RateLimitRule, Long> next = new HashMap<>();
            Verdict v = decide(rules, now, current, next);
            if (v.allowed()) {
                state.tat.putAll(next);
            }
            return v;
        }
    }

    /**
     * GCRA for one call (shared with {@link SharedRateLimiter}, which keeps the state in the store).
     *
     * @param current each rule's theoretical arrival time, at least {@code now}
     * @param next receives the request rules' arrival times once the call is admitted
     */
    static Verdict decide(List<RateLimitRule> rules, long now, Map<RateLimitRule, Long> current,
            Map<RateLimitRule, Long> next) {
        Verdict tightest = null;
        long retryAfter = 0;
        for (RateLimitRule rule : rules) {
            long window = rule.window().toNanos();
            long tatNow = current.get(rule);
            if (rule.tokens() > 0) {
                boolean ok = tatNow - now <= window;
                retryAfter = ok ? retryAfter : Math.max(retryAfter, tatNow - window - now);
                long perToken = Math.max(1, window / rule.tokens());
                // Capped: with more tokens than nanoseconds per window, perToken is rounded up to 1 ns.
                long left = Math.min(rule.tokens(), Math.max(0, (window - (tatNow - now)) / perToken));
                Verdict v = new Verdict(ok, rule.tokens(), left, millis(tatNow - now), 0);
                tightest = tightest == null || v.remaining() < tightest.remaining() ? v : tightest;
                continue;
            }
            long interval = window / rule.requests();
            long tat = tatNow + interval;
            boolean ok = tat - now <= window;
            // Capped: the interval is rounded down to whole nanoseconds, so a huge limit's quotient exceeds it.
            long remaining = ok ? Math.min(rule.requests() - 1, (window - (tat - now)) / interval) : 0;
            retryAfter = ok ? retryAfter : Math.max(retryAfter, tat - window - now);
            next.put(rule, tat);
            Verdict v = new Verdict(ok, rule.requests(), remaining, millis((ok ? tat : tatNow) - now), 0);
            if (tightest == null || v.remaining() < tightest.remaining()) {
                tightest = v;
            }
        }
        if (retryAfter > 0) {
            return new Verdict(false, tightest.limit(), 0, tightest.resetMs(), millis(retryAfter));
        }
        return tightest;
    }

    @Override
    public Verdict holdTokens(String keyId, List<RateLimitRule> rules, long tokens) {
        KeyState state = states.get(keyId, k -> new KeyState());
        synchronized (state) {
            long now = nanoClock.getAsLong();
            Map<RateLimitRule, Long> current = new HashMap<>();
            rules.forEach(rule -> current.put(rule, Math.max(state.tat.getOrDefault(rule, now), now)));
            Verdict v = decideHold(rules, now, current, state.heldNs);
            if (v.allowed()) {
                add(state.tat, rules, rule -> heldNs(rule, tokens), now);
                rules.forEach(rule -> state.heldNs.merge(rule, heldNs(rule, tokens), RateLimiter::saturatedSum));
            }
            return v;
        }
    }

    /**
     * The verdict of token rules for a call about to hold its estimate: refused as any call is when the
     * key's tokens are over without what its calls in flight hold; refused for {@link #HELD_RETRY_MS}
     * ({@code held}) when only those holds take it over; admitted otherwise.
     *
     * @param tat each rule's arrival time, at least {@code now}, holds included
     * @param heldNs what the key's calls in flight hold of each rule, in nanoseconds of its arrival time
     */
    static Verdict decideHold(List<RateLimitRule> rules, long now, Map<RateLimitRule, Long> tat,
            Map<RateLimitRule, Long> heldNs) {
        Map<RateLimitRule, Long> spent = new HashMap<>();
        rules.forEach(rule -> spent.put(rule, Math.max(tat.get(rule) - heldNs.getOrDefault(rule, 0L), now)));
        Verdict used = decide(rules, now, spent, new HashMap<>());
        if (!used.allowed()) {
            return used;
        }
        Verdict withHolds = decide(rules, now, tat, new HashMap<>());
        return withHolds.allowed() ? withHolds
                : new Verdict(false, withHolds.limit(), 0, withHolds.resetMs(), HELD_RETRY_MS, true);
    }

    @Override
    public void chargeTokens(String keyId, List<RateLimitRule> rules, long used, long held) {
        if ((used == 0 && held == 0) || rules.stream().noneMatch(r -> r.tokens() > 0)) {
            return;
        }
        KeyState state = states.get(keyId, k -> new KeyState());
        synchronized (state) {
            add(state.tat, rules, rule -> delta(rule, used, held), nanoClock.getAsLong());
            if (held != 0) {
                for (RateLimitRule rule : rules) {
                    if (rule.tokens() > 0 && state.heldNs.merge(rule, -heldNs(rule, held), RateLimiter::saturatedSum) <= 0) {
                        state.heldNs.remove(rule);
                    }
                }
            }
        }
    }

    /** Moves each token rule's arrival time by {@code ns} of it (back for a negative amount). */
    private static void add(Map<RateLimitRule, Long> tat, List<RateLimitRule> rules, ToLongFunction<RateLimitRule> ns,
            long now) {
        for (RateLimitRule rule : rules) {
            if (rule.tokens() > 0) {
                tat.put(rule, Math.min(Math.max(tat.getOrDefault(rule, now), now) + ns.applyAsLong(rule), now + MAX_AHEAD_NS));
            }
        }
    }

    /** What {@code used} tokens in place of a hold of {@code held} move a token rule's arrival time by. */
    static long delta(RateLimitRule rule, long used, long held) {
        return tokensNs(rule, used) - heldNs(rule, held);
    }

    /**
     * What a call's hold of {@code tokens} adds to a token rule's arrival time: at most one token more
     * than the rule's own limit (enough to take the key over it: more would refuse the same calls until
     * it ends), so a hold never reaches {@link #MAX_AHEAD_NS}, where what the key had used would be lost
     * under it, and gives back exactly what it took.
     */
    static long heldNs(RateLimitRule rule, long tokens) {
        return tokensNs(rule, Math.min(tokens, rule.tokens() + 1));
    }

    /** A sum of two values within {@link #MAX_AHEAD_NS} each, kept there. */
    static long saturatedSum(long a, long b) {
        return Math.clamp(a + b, -MAX_AHEAD_NS, MAX_AHEAD_NS);
    }

    /**
     * How far a token rule's arrival time is ever ahead of now (2^58 ns, about 9 years): a key that
     * far over its tokens is refused all the same, and its arithmetic cannot overflow.
     */
    static final long MAX_AHEAD_NS = 1L << 58;

    /** What {@code tokens} (negative: given back) add to a token rule's arrival time, within {@link #MAX_AHEAD_NS}. */
    static long tokensNs(RateLimitRule rule, long tokens) {
        long perToken = Math.max(1, rule.window().toNanos() / rule.tokens());
        return Math.abs(tokens) >= MAX_AHEAD_NS / perToken ? Long.signum(tokens) * MAX_AHEAD_NS : tokens * perToken;
    }

    /**
     * How much of a rule a key is using now: the calls (or tokens) its window still holds, which is
     * what the next {@link #acquire} weighs; 0 for a key this limiter has not seen.
     */
    @Override
    public long used(String keyId, RateLimitRule rule) {
        KeyState state = states.getIfPresent(keyId);
        if (state == null) {
            return 0;
        }
        synchronized (state) {
            return used(rule, state.tat.get(rule), nanoClock.getAsLong());
        }
    }

    /** How much of a rule's window its TAT stands for at {@code nowNs}: requests or tokens, rounded up. */
    static long used(RateLimitRule rule, Long tatNs, long nowNs) {
        long ahead = tatNs == null ? 0 : tatNs - nowNs;
        if (ahead <= 0) {
            return 0;
        }
        long window = rule.window().toNanos();
        long unit = rule.tokens() > 0 ? Math.max(1, window / rule.tokens()) : window / rule.requests();
        return Math.ceilDiv(ahead, unit);
    }

    private static long millis(long nanos) {
        return (nanos + 999_999) / 1_000_000;
    }
}
