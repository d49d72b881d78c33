package dev.aegis.config;

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
        n.rejectUnknownKeys(Set.of("enabled", "policy", "rate_limits"));
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
        return new GovernanceConfig(enabled, rules);
    }
}
