package dev.aegis.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the {@code governance} section. */
final class GovernanceSection {

    private GovernanceSection() {}

    static GovernanceConfig read(ConfigNode n, Map<String, String> env) {
        n.expectObject();
        n.rejectUnknownKeys(Set.of("enabled", "policy", "rate_limits", "credits"));
        boolean enabled = n.child("enabled").bool(false);
        String fromEnv = Setting.AEGIS_GOVERNANCE_ENABLED.from(env);
        if (fromEnv != null) {
            enabled = Boolean.parseBoolean(fromEnv);
        }
        List<RateLimitRule> rules = new ArrayList<>();
        for (ConfigNode rule : n.child("rate_limits").elements()) {
            rule.expectObject();
            rule.rejectUnknownKeys(Set.of("window", "requests", "tokens", "scope"));
            Duration window = rule.child("window").duration(null);
            int requests = rule.child("requests").integer(0, 0, Integer.MAX_VALUE);
            int tokens = rule.child("tokens").integer(0, 0, Integer.MAX_VALUE);
            String scope = rule.child("scope").text("model");
            if (window == null || window.isZero()) {
                rule.child("window").error("is required, e.g. 1m or 15m");
            } else if ((requests > 0) == (tokens > 0)) {
                rule.error("needs exactly one of requests or tokens");
            } else if (!scope.equals("all") && !scope.equals("model")) {
                rule.child("scope").error("must be all or model, not '" + scope + "'");
            } else {
                rules.add(new RateLimitRule(window, requests, tokens, scope.equals("model")));
            }
        }
        return new GovernanceConfig(enabled, rules, policy(n.child("policy"), env), credits(n.child("credits")));
    }

    private static GovernanceConfig.Credits credits(ConfigNode n) {
        if (n.isMissing() || !n.expectObject()) {
            return GovernanceConfig.Credits.DEFAULT;
        }
        n.rejectUnknownKeys(Set.of("stored_context_tokens", "default_output_tokens"));
        return new GovernanceConfig.Credits(
                n.child("stored_context_tokens").integer(GovernanceConfig.Credits.DEFAULT_STORED_CONTEXT_TOKENS, 0, 100_000_000),
                n.child("default_output_tokens").integer(GovernanceConfig.Credits.DEFAULT_OUTPUT_TOKENS, 1, 100_000_000));
    }

    /** The file's {@code policy}, or {@code AEGIS_DEFAULT_POLICY_JSON} when set (same shape, as JSON). */
    private static BudgetPolicy policy(ConfigNode fromFile, Map<String, String> env) {
        ConfigNode n = fromFile;
        String json = Setting.AEGIS_DEFAULT_POLICY_JSON.from(env);
        if (json != null) {
            try {
                n = new ConfigNode(new ObjectMapper().readTree(json), "AEGIS_DEFAULT_POLICY_JSON", fromFile.errors());
            } catch (JsonProcessingException e) {
                fromFile.error("AEGIS_DEFAULT_POLICY_JSON is not valid JSON");
                return BudgetPolicy.NONE;
            }
        }
        if (n.isMissing() || !n.expectObject()) {
            return BudgetPolicy.NONE;
        }
        n.rejectUnknownKeys(Set.of("hardStop", "tokens", "usd"));
        ConfigNode tokens = n.child("tokens");
        tokens.expectObject();
        tokens.rejectUnknownKeys(Set.of("perRun", "perMinute", "perDay", "perSession"));
        ConfigNode usd = n.child("usd");
        BigDecimal perSessionUsd = null;
        if (!usd.isMissing() && usd.expectObject()) {
            usd.rejectUnknownKeys(Set.of("perSession"));
            perSessionUsd = usd.child("perSession").decimal(null);
        }
        return new BudgetPolicy(n.child("hardStop").bool(false),
                tokens.child("perRun").integer(0, 0, Integer.MAX_VALUE),
                tokens.child("perMinute").integer(0, 0, Integer.MAX_VALUE),
                tokens.child("perDay").integer(0, 0, Integer.MAX_VALUE),
                tokens.child("perSession").integer(0, 0, Integer.MAX_VALUE),
                perSessionUsd);
    }
}
