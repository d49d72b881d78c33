package dev.aegis.config;

import java.util.List;

/**
 * The {@code governance} section.
 *
 * @param enabled {@code AEGIS_GOVERNANCE_ENABLED} overrides the file; off by default
 * @param rateLimits per-key limits that apply to every key while governance is on
 * @param policy the default token budgets ({@code AEGIS_DEFAULT_POLICY_JSON} overrides the file)
 * @param credits how credit reservations are estimated (they apply whether governance is on or not)
 */
public record GovernanceConfig(boolean enabled, List<RateLimitRule> rateLimits, BudgetPolicy policy, Credits credits) {

    public GovernanceConfig {
        rateLimits = List.copyOf(rateLimits);
    }

    /**
     * {@code governance.credits}.
     *
     * @param storedContextTokens input tokens a call is assumed to read from context the provider
     *     stores ({@code previous_response_id}, {@code conversation}, a stored {@code prompt}), on top
     *     of its body, when its credits are reserved
     * @param defaultOutputTokens the output limit of a call whose client sets none, by a key with credits:
     *     reserved for, and added to the call, so that it cannot cost more than it holds
     */
    public record Credits(int storedContextTokens, int defaultOutputTokens) {
        /** 128k tokens: the context window of most current models. */
        public static final int DEFAULT_STORED_CONTEXT_TOKENS = 128_000;
        public static final int DEFAULT_OUTPUT_TOKENS = 4096;
        public static final Credits DEFAULT = new Credits(DEFAULT_STORED_CONTEXT_TOKENS, DEFAULT_OUTPUT_TOKENS);
    }
}
