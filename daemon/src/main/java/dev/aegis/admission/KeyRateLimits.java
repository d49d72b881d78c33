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
     * estimated once its body is read: {@link #holdTokens}).
     */
    RateLimiter.Verdict acquire(String keyId, List<RateLimitRule> rules);

    /**
     * Checks the key's token rules again and, when none is over, counts a call's estimated tokens
     * against them at once, in the same step: calls started together each see the others' estimates.
     * Refused as spent when the key is over without what its calls in flight hold, and for a second
     * ({@code held}) when only their holds take it over. The call's real tokens replace the estimate
     * when it ends ({@link #chargeTokens}).
     *
     * @param rules token rules only
     */
    RateLimiter.Verdict holdTokens(String keyId, List<RateLimitRule> rules, long tokens);

    /**
     * Counts a finished call's tokens against the key's token rules, in place of what it held since
     * its admission (given back when it used less).
     *
     * @param held what {@link #holdTokens} took for the call, 0 when it held nothing
     */
    void chargeTokens(String keyId, List<RateLimitRule> rules, long used, long held);

    /** How much of a rule the key has used now (requests or tokens), for the dashboard's bars. */
    long used(String keyId, RateLimitRule rule);
}
