package dev.aegis.admission;

import dev.aegis.config.GovernanceConfig;
import dev.aegis.config.RateLimitRule;
import dev.aegis.http.ApiException;
import dev.aegis.http.ResponseHeaders;
import dev.aegis.keys.KeyRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the rate limits of a call: the key's own {@code --rpm}, and the configured rules while
 * governance is on. Sets the {@code X-RateLimit-*} headers; refuses with 429
 * {@code rate_limit_exceeded} and {@code Retry-After}.
 */
public final class RateLimitGuard {

    private final KeyRateLimits limiter;

    public RateLimitGuard(KeyRateLimits limiter) {
        this.limiter = limiter;
    }

    /** The rules for a key: its own {@code --rpm} / {@code --tpm}, plus the configured ones while governance is on. */
    public static List<RateLimitRule> rules(KeyRecord key, GovernanceConfig governance) {
        List<RateLimitRule> rules = new ArrayList<>();
        if (key.rpm() != null) {
            rules.add(RateLimitRule.requestsPerMinute(key.rpm()));
        }
        if (key.tpm() != null) {
            rules.add(RateLimitRule.tokensPerMinute(key.tpm()));
        }
        if (governance.enabled()) {
            rules.addAll(governance.rateLimits());
        }
        return rules;
    }

    /** Counts a finished call's tokens against the key's token limits. */
    public void charge(KeyRecord key, GovernanceConfig governance, long tokens) {
        limiter.chargeTokens(key.id(), rules(key, governance), tokens);
    }

    public void admit(KeyRecord key, GovernanceConfig governance, ResponseHeaders res) {
        apply(key, rules(key, governance), res);
    }

    /**
     * Admits a call on one of the daemon's own routes (not a model call): only the configured request
     * rules of {@code scope: all} count it, on the same counters as the model calls.
     */
    public void admitRoute(KeyRecord key, GovernanceConfig governance, ResponseHeaders res) {
        if (governance.enabled()) {
            apply(key, governance.rateLimits().stream().filter(r -> !r.modelCallsOnly() && r.requests() > 0).toList(), res);
        }
    }

    private void apply(KeyRecord key, List<RateLimitRule> rules, ResponseHeaders res) {
        RateLimiter.Verdict v = limiter.acquire(key.id(), rules);
        if (v == null) {
            return;
        }
        res.setHeader("X-RateLimit-Limit", String.valueOf(v.limit()));
        res.setHeader("X-RateLimit-Remaining", String.valueOf(v.remaining()));
        res.setHeader("X-RateLimit-Reset-Ms", String.valueOf(v.resetMs()));
        if (!v.allowed()) {
            res.setHeader("Retry-After", String.valueOf(Math.max(1, (v.retryAfterMs() + 999) / 1000)));
            throw new ApiException(429, "rate_limit_exceeded", "rate limit of " + v.limit()
                    + " per window reached for this key; retry in " + v.retryAfterMs() + " ms");
        }
    }
}
