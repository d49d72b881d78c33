package dev.aegis.admission;

import dev.aegis.config.BudgetPolicy;
import dev.aegis.config.GovernanceConfig;
import dev.aegis.http.ApiException;
import dev.aegis.keys.KeyRecord;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Token budgets while governance is on. With {@code hardStop}: a spent budget is refused with 429
 * {@code budget_exceeded} and {@code Retry-After}, and a call's output is capped to what remains
 * (its output limit lowered, and its stream ended cleanly if it still gets there). Without it: the
 * call goes through with {@code X-Aegis-Budget-Warning}.
 */
public final class BudgetGuard {

    /** A rough prompt size: one token per 4 bytes of request body. */
    private static final int BYTES_PER_TOKEN = 4;

    private final BudgetTracker tracker;

    public BudgetGuard(BudgetTracker tracker) {
        this.tracker = tracker;
    }

    /** The output tokens this call may produce, or null when no budget limits it. */
    public Long admit(KeyRecord key, String tenant, String run, GovernanceConfig governance, int bodyBytes,
            HttpServletResponse res) {
        BudgetPolicy policy = governance.enabled() ? governance.policy() : BudgetPolicy.NONE;
        // One look at every budget of the call (one query when the daemons of a team share them).
        BudgetTracker.Remaining left = policy.any() || key.tokenBudget() != null
                ? tracker.remaining(key.id(), tenant, run, policy, key.tokenBudget()) : null;
        if (left != null && left.scope().equals("key")) {
            // A key's own budget (aegis run --tokens) always stops hard.
            policy = new BudgetPolicy(true, 0, 0, 0);
        }
        if (left == null) {
            return null;
        }
        long forOutput = left.tokens() - bodyBytes / BYTES_PER_TOKEN;
        if (forOutput > 0) {
            return policy.hardStop() ? forOutput : null;
        }
        String what = "the " + left.scope() + " token budget" + (left.scope().equals("run") ? " of run " + run : "")
                + (left.scope().equals("key") ? " of this key" : "")
                + " is spent" + (left.tokens() > 0 ? " (this prompt alone is larger than what remains)" : "");
        if (!policy.hardStop()) {
            res.setHeader("X-Aegis-Budget-Warning", what);
            return null;
        }
        long retryMs = left.resetMs() < 0 ? 86_400_000 : left.resetMs();
        res.setHeader("Retry-After", String.valueOf(Math.max(1, (retryMs + 999) / 1000)));
        throw new ApiException(429, "budget_exceeded", what);
    }

    public void charge(KeyRecord key, String tenant, String run, GovernanceConfig governance, long tokens) {
        tracker.charge(key == null ? null : key.id(), tenant, run, tokens,
                governance.enabled() ? governance.policy() : BudgetPolicy.NONE);
        if (key != null && key.tokenBudget() != null && tokens > 0) {
            tracker.chargeKey(key.id(), tokens);
        }
    }
}
