package dev.aegis.config;

import java.util.List;

/**
 * The {@code governance} section.
 *
 * @param enabled {@code AEGIS_GOVERNANCE_ENABLED} overrides the file; off by default
 * @param rateLimits per-key limits that apply to every key while governance is on
 * @param policy the default token budgets ({@code AEGIS_DEFAULT_POLICY_JSON} overrides the file)
 */
public record GovernanceConfig(boolean enabled, List<RateLimitRule> rateLimits, BudgetPolicy policy) {

    public GovernanceConfig {
        rateLimits = List.copyOf(rateLimits);
    }
}
