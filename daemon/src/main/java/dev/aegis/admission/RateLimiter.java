package dev.aegis.admission;

import com.github.benmanes.caffeine.cache.Cache;
import dev.aegis.cache.CallPathCaches;
import dev.aegis.config.RateLimitRule;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

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
     */
    public record Verdict(boolean allowed, long limit, long remaining, long resetMs, long retryAfterMs) {}

    /** Per key: the theoretical arrival time of each rule, in clock nanoseconds. */
    private static final class KeyState {
        final Map<RateLimitRule, Long> tat = new HashMap<>();
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
            rules.forEach(rule -> current.put(rule, Math.max(state.tat.getOrDefault(rule, now), now)));
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
    public void chargeTokens(String keyId, List<RateLimitRule> rules, long tokens) {
        if (tokens <= 0 || rules.stream().noneMatch(r -> r.tokens() > 0)) {
            return;
        }
        KeyState state = states.get(keyId, k -> new KeyState());
        synchronized (state) {
            long now = nanoClock.getAsLong();
            for (RateLimitRule rule : rules) {
                if (rule.tokens() > 0) {
                    long perToken = Math.max(1, rule.window().toNanos() / rule.tokens());
                    state.tat.put(rule, Math.max(state.tat.getOrDefault(rule, now), now) + tokens * perToken);
                }
            }
        }
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
