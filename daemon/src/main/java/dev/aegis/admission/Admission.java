package dev.aegis.admission;

import dev.aegis.config.GovernanceConfig;
import dev.aegis.keys.KeyRecord;
import dev.aegis.store.Reservation;
import dev.aegis.store.UsageRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The governance of calls in one place: rate limits, token budgets and credits, checked in that
 * order before a call is forwarded, and settled together when it ends.
 */
public final class Admission {

    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

    private final RateLimitGuard rateLimits;
    private final BudgetGuard budgets;
    private final CreditGuard credits;
    private final PassthroughGuard passthrough;

    public Admission(RateLimitGuard rateLimits, BudgetGuard budgets, CreditGuard credits) {
        this.rateLimits = rateLimits;
        this.budgets = budgets;
        this.credits = credits;
        this.passthrough = new PassthroughGuard(credits);
    }

    public RateLimitGuard rateLimits() {
        return rateLimits;
    }

    public BudgetGuard budgets() {
        return budgets;
    }

    public CreditGuard credits() {
        return credits;
    }

    public PassthroughGuard passthrough() {
        return passthrough;
    }

    /**
     * Counts a finished (or refused) call: its tokens against the key's token limits and the
     * budgets, its cost against the credits it reserved (exactly the cost its usage row records).
     * A call answered without any usage (a server that ignores {@code include_usage}, a stream cut
     * before its usage) counts what it held: its estimate against the token limits and budgets, as
     * its reservation against the credits; counting the 0 tokens its row records would let such
     * calls run past every limit.
     *
     * @param key null when the call was refused before its key was known
     * @param tokenHold what the call held of its key's token limits, or null
     * @param hold what the call held of its budgets, or null
     * @param reservation null when the key has no credit limit or nothing was reserved
     * @param noUsage the call was answered but its usage never came
     */
    public void settle(KeyRecord key, GovernanceConfig governance, String tenant, String run, String session,
            RateLimitGuard.TokenHold tokenHold, BudgetTracker.Hold hold, Reservation reservation, UsageRow row,
            boolean noUsage) {
        long tokens = row.inputTokens() + row.outputTokens();
        if (key != null) {
            rateLimits.charge(key, governance, tokenHold, noUsage && tokenHold != null ? tokenHold.tokens() : tokens);
        }
        long budgetTokens = !noUsage ? tokens : hold != null ? hold.tokens() : tokenHold != null ? tokenHold.tokens() : tokens;
        long budgetCost = noUsage && hold != null ? Math.max(row.costNanos(), hold.costNanos()) : row.costNanos();
        budgets.charge(key, tenant, run, session, governance, budgetTokens, budgetCost, hold);
        if (reservation != null) {
            try {
                credits.settle(reservation, row.costNanos());
            } catch (RuntimeException e) {
                LOG.error("could not settle the credits of request {} (key {}): {}", row.requestId(),
                        reservation.keyId(), e.getMessage());
            }
        }
    }
}
