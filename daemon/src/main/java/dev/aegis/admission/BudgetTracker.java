package dev.aegis.admission;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.aegis.config.BudgetPolicy;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Tokens spent per tenant this minute and today (UTC), and per run, against a {@link BudgetPolicy}.
 * Starts from the usage already recorded today, so a restart does not reset a day's budget.
 */
public final class BudgetTracker {

    private static final long MINUTE = 60_000;
    private static final long DAY = 86_400_000;

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

    private final InstantSource clock;
    private final Map<String, Windows> tenants = new HashMap<>();
    private final Cache<String, long[]> runs =
            Caffeine.newBuilder().expireAfterAccess(Duration.ofDays(7)).maximumSize(1_000_000).build();
    private final Function<String, Long> keyUsage;
    private final Cache<String, long[]> keys =
            Caffeine.newBuilder().expireAfterAccess(Duration.ofDays(1)).maximumSize(100_000).build();

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

    /** Tokens already used today per tenant, and per run, when the daemon starts. */
    public synchronized void seed(Map<String, Long> todayByTenant, Map<String, Long> byRun) {
        long now = clock.millis();
        todayByTenant.forEach((tenant, used) -> {
            Windows w = windows(tenant, now);
            w.dayUsed += used;
        });
        byRun.forEach((run, used) -> runs.get(run, r -> new long[1])[0] += used);
    }

    /** The tightest budget left for a call, or null when the policy sets none that applies. */
    public synchronized Remaining remaining(String tenant, String run, BudgetPolicy policy) {
        long now = clock.millis();
        Windows w = windows(tenant, now);
        Remaining tightest = null;
        if (policy.perRun() > 0 && run != null) {
            long[] used = runs.get(run, r -> new long[1]);
            tightest = tighter(tightest, new Remaining("run", policy.perRun() - used[0], -1));
        }
        if (policy.perMinute() > 0) {
            tightest = tighter(tightest, new Remaining("minute", policy.perMinute() - w.minuteUsed, (w.minute + 1) * MINUTE - now));
        }
        if (policy.perDay() > 0) {
            tightest = tighter(tightest, new Remaining("day", policy.perDay() - w.dayUsed, (w.day + 1) * DAY - now));
        }
        return tightest;
    }

    public synchronized void charge(String tenant, String run, long tokens) {
        if (tokens <= 0) {
            return;
        }
        Windows w = windows(tenant, clock.millis());
        w.minuteUsed += tokens;
        w.dayUsed += tokens;
        if (run != null) {
            runs.get(run, r -> new long[1])[0] += tokens;
        }
    }

    private Windows windows(String tenant, long now) {
        Windows w = tenants.computeIfAbsent(tenant == null ? "" : tenant, t -> new Windows());
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
