package dev.aegis.admission;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
 * admits it, and then counts against all of them.
 */
public final class RateLimiter {

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
    private final Cache<String, KeyState> states =
            Caffeine.newBuilder().expireAfterAccess(Duration.ofHours(2)).maximumSize(100_000).build();

    /** @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}; a fake one in tests) */
    public RateLimiter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Admits or refuses one call of the key; null when no rule applies. Request rules count the call
     * now; token rules only check that the key is not over its tokens already (the call's tokens are
     * known when it ends: {@link #chargeTokens}).
     */
    public Verdict acquire(String keyId, List<RateLimitRule> rules) {
        if (rules.isEmpty()) {
            return null;
        }
        KeyState state = states.get(keyId, k -> new KeyState());
        synchronized (state) {
            long now = nanoClock.getAsLong();
            Map<RateLimitRule, Long> next = new HashMap<>();
            Verdict tightest = null;
            long retryAfter = 0;
            for (RateLimitRule rule : rules) {
                long window = rule.window().toNanos();
                long current = Math.max(state.tat.getOrDefault(rule, now), now);
                if (rule.tokens() > 0) {
                    boolean ok = current - now <= window;
                    retryAfter = ok ? retryAfter : Math.max(retryAfter, current - window - now);
                    long perToken = Math.max(1, window / rule.tokens());
                    Verdict v = new Verdict(ok, rule.tokens(), Math.max(0, (window - (current - now)) / perToken),
                            millis(current - now), 0);
                    tightest = tightest == null || v.remaining() < tightest.remaining() ? v : tightest;
                    continue;
                }
                long interval = window / rule.requests();
                long tat = current + interval;
                boolean ok = tat - now <= window;
                long remaining = ok ? (window - (tat - now)) / interval : 0;
                retryAfter = ok ? retryAfter : Math.max(retryAfter, tat - window - now);
                next.put(rule, tat);
                Verdict v = new Verdict(ok, rule.requests(), remaining, millis((ok ? tat : current) - now), 0);
                if (tightest == null || v.remaining() < tightest.remaining()) {
                    tightest = v;
                }
            }
            if (retryAfter > 0) {
                return new Verdict(false, tightest.limit(), 0, tightest.resetMs(), millis(retryAfter));
            }
            state.tat.putAll(next);
            return tightest;
        }
    }

    /** Counts a finished call's tokens against the key's token rules. */
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
    public long used(String keyId, RateLimitRule rule) {
        KeyState state = states.getIfPresent(keyId);
        if (state == null) {
            return 0;
        }
        synchronized (state) {
            Long tat = state.tat.get(rule);
            long ahead = tat == null ? 0 : tat - nanoClock.getAsLong();
            if (ahead <= 0) {
                return 0;
            }
            long window = rule.window().toNanos();
            long unit = rule.tokens() > 0 ? Math.max(1, window / rule.tokens()) : window / rule.requests();
            return Math.ceilDiv(ahead, unit);
        }
    }

    private static long millis(long nanos) {
        return (nanos + 999_999) / 1_000_000;
    }
}
