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

    /**
     * What a call holds of its key's token limits from its admission until it ends.
     *
     * @param rules the token rules it was held against
     * @param tokens its estimate
     */
    public record TokenHold(List<RateLimitRule> rules, long tokens) {}

    /**
     * Counts a call's estimated tokens against the key's token limits as it is admitted, after
     * checking them again in the same step: calls started together each see the others' estimates,
     * so together they cannot pass a limit that one call at a time could not (the limit is still
     * checked, not reserved: the call that finds a key just under its limit is admitted, and its
     * estimate may take the key over). Refused with 429 {@code rate_limit_exceeded} when a limit is
     * over. The estimate: its prompt (4 bytes of its body a token, as budgets hold it) and, for each
     * answer it asks for, its output limit or {@code governance.credits.default_output_tokens}.
     *
     * @param outputPerAnswer the output limit each answer runs with (0 for an API that generates none)
     * @return what the call holds, or null when the key has no token limit
     */
    public TokenHold holdTokens(KeyRecord key, GovernanceConfig governance, byte[] body, long storedContextTokens,
            long outputPerAnswer, int choices, ResponseHeaders res) {
        List<RateLimitRule> rules = rules(key, governance).stream().filter(r -> r.tokens() > 0).toList();
        if (rules.isEmpty()) {
            return null;
        }
        long tokens = PromptEstimate.tokens(body, storedContextTokens) + outputPerAnswer * Math.max(1, choices);
        RateLimiter.Verdict v = limiter.holdTokens(key.id(), rules, tokens);
        if (!v.allowed()) {
            answer(v, res); // an admitted call keeps the headers of its admission (all its rules, the tightest)
        }
        return new TokenHold(rules, tokens);
    }

    /**
     * Counts a finished call's tokens against the key's token limits: what it used less what it held
     * (given back when it used less), or all of them when it held nothing.
     */
    public void charge(KeyRecord key, GovernanceConfig governance, TokenHold hold, long tokens) {
        if (hold == null) {
            limiter.chargeTokens(key.id(), rules(key, governance), tokens, 0);
        } else {
            limiter.chargeTokens(key.id(), hold.rules(), tokens, hold.tokens());
        }
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
        answer(limiter.acquire(key.id(), rules), res);
    }

    /** Sets the {@code X-RateLimit-*} headers of a verdict (none when no rule applied); refuses with 429. */
    private static void answer(RateLimiter.Verdict v, ResponseHeaders res) {
        if (v == null) {
            return;
        }
        res.setHeader("X-RateLimit-Limit", String.valueOf(v.limit()));
        res.setHeader("X-RateLimit-Remaining", String.valueOf(v.remaining()));
        res.setHeader("X-RateLimit-Reset-Ms", String.valueOf(v.resetMs()));
        if (!v.allowed()) {
            res.setHeader("Retry-After", String.valueOf(Math.max(1, (v.retryAfterMs() + 999) / 1000)));
            throw new ApiException(429, "rate_limit_exceeded", v.held()
                    ? "what is left of the rate limit of " + v.limit() + " tokens per window is held by this key's calls"
                            + " in flight (given back as they end, less what they use); retry in " + v.retryAfterMs() + " ms"
                    : "rate limit of " + v.limit() + " per window reached for this key; retry in " + v.retryAfterMs() + " ms");
        }
    }
}
