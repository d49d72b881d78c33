package dev.aegis.admission;

import dev.aegis.config.RateLimitRule;
import dev.aegis.store.RateLimitState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rate limits kept in the shared PostgreSQL store (team mode, docs/TEAM.md): the same GCRA as
 * {@link RateLimiter}, with each key's and rule's state in the store and the database's clock, so the
 * daemons sharing a key share its limit exactly. A call is admitted by one transaction of
 * conditional statements ({@link RateLimitState#admit}); a finished call's tokens are added in the
 * background.
 */
public final class SharedRateLimiter implements KeyRateLimits, AutoCloseable {

    private static final Duration PRUNE_EVERY = Duration.ofMinutes(10);

    /** A key's rule, as the background writer sums token charges. */
    private record KeyRule(String keyId, String rule) {}

    private final RateLimitState state;
    private final DeltaWriter<KeyRule> tokens;

    public SharedRateLimiter(RateLimitState state) {
        this.state = state;
        this.tokens = new DeltaWriter<>("token rate limits", this::write, state::prune, PRUNE_EVERY);
    }

    @Override
    public RateLimiter.Verdict acquire(String keyId, List<RateLimitRule> given) {
        if (given.isEmpty()) {
            return null;
        }
        // The same rule twice (a key's --rpm and a configured rule alike) is one state, as in memory.
        List<RateLimitRule> rules = given.stream().distinct().toList();
        List<RateLimitState.Step> steps = new ArrayList<>(rules.size());
        for (RateLimitRule rule : rules) {
            long window = rule.window().toNanos();
            steps.add(new RateLimitState.Step(name(rule), rule.tokens() > 0 ? 0 : window / rule.requests(), window));
        }
        RateLimitState.Outcome outcome = state.admit(keyId, steps);
        Map<RateLimitRule, Long> current = new HashMap<>();
        rules.forEach(rule -> current.put(rule, outcome.tatNs().get(name(rule))));
        RateLimiter.Verdict v = RateLimiter.decide(rules, outcome.nowNs(), current, new HashMap<>());
        if (!outcome.admitted() && v.allowed()) {
            // A place freed between the refusal and the read of the state: refused all the same, retry at once.
            return new RateLimiter.Verdict(false, v.limit(), 0, v.resetMs(), 1);
        }
        return v;
    }

    @Override
    public void chargeTokens(String keyId, List<RateLimitRule> rules, long used) {
        if (used <= 0) {
            return;
        }
        for (RateLimitRule rule : rules) {
            if (rule.tokens() > 0) {
                tokens.add(new KeyRule(keyId, name(rule)), used * Math.max(1, rule.window().toNanos() / rule.tokens()));
            }
        }
    }

    @Override
    public long used(String keyId, RateLimitRule rule) {
        RateLimitState.Outcome now = state.current(keyId, List.of(new RateLimitState.Step(name(rule), 0, rule.window().toNanos())));
        return RateLimiter.used(rule, now.tatNs().get(name(rule)), now.nowNs());
    }

    private void write(Map<KeyRule, Long> batch) {
        Map<String, Map<String, Long>> byKey = new HashMap<>();
        batch.forEach((kr, ns) -> byKey.computeIfAbsent(kr.keyId(), k -> new HashMap<>()).put(kr.rule(), ns));
        state.add(byKey);
    }

    /** A rule's name in the store: what it limits, over which window and routes. */
    static String name(RateLimitRule rule) {
        return rule.window().toMillis() + "ms:" + (rule.tokens() > 0 ? rule.tokens() + "t" : rule.requests() + "r")
                + (rule.modelCallsOnly() ? ":model" : ":all");
    }

    @Override
    public void close() {
        tokens.close();
    }
}
