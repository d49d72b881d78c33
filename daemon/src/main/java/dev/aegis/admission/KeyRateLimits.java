package dev.aegis.admission;

import dev.aegis.config.RateLimitRule;
import java.util.List;

/**
 * A key's rate limits: counted in this daemon's memory ({@link RateLimiter}), or in the store the
 * daemons of a team share ({@link SharedRateLimiter}).
 */
public interface KeyRateLimits {

    /**
     * Admits or refuses one call of the key; null when no rule applies. Request rules count the call
     * now; token rules only check that the key is not over its tokens already (the call's tokens are
     * known when it ends: {@link #chargeTokens}).
     */
    RateLimiter.Verdict acquire(String keyId, List<RateLimitRule> rules);

    /** Counts a finished call's tokens against the key's token rules. */
    void chargeTokens(String keyId, List<RateLimitRule> rules, long tokens);

    /** How much of a rule the key has used now (requests or tokens), for the dashboard's bars. */
    long used(String keyId, RateLimitRule rule);
}
