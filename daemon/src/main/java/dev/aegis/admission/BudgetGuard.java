package dev.aegis.admission;

import dev.aegis.config.BudgetPolicy;
import dev.aegis.config.GovernanceConfig;
import dev.aegis.http.ApiException;
import dev.aegis.http.ResponseHeaders;
import dev.aegis.keys.KeyRecord;
import dev.aegis.keys.SessionBudget;
import dev.aegis.pricing.ModelPrice;
import dev.aegis.pricing.Pricing;
import dev.aegis.store.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Token budgets while governance is on, and a key's own budgets (its life's tokens, each session's
 * tokens and USD) always. With {@code hardStop} (a key's own budgets always stop hard): a spent budget
 * is refused with 429 {@code budget_exceeded} and {@code Retry-After}, and a call's output is capped to
 * what remains (its output limit lowered, and its stream ended cleanly if it still gets there). Without
 * it: the call goes through with {@code X-Aegis-Budget-Warning}.
 *
 * <p>A USD budget (per session) is turned into tokens at the call's model's prices: the prompt (one
 * token per 4 bytes) at the input price, and what remains after it at the output price, so the same
 * output cap and stream cut-off enforce it.
 */
public final class BudgetGuard {

    /** A rough prompt size: one token per 4 bytes of request body. */
    private static final int BYTES_PER_TOKEN = 4;
    /** USD per million tokens, as nano-USD per token. */
    private static final BigDecimal NANOS_PER_TOKEN_PER_USD_PER_MILLION = BigDecimal.valueOf(1000);

    private final BudgetTracker tracker;
    private final Pricing pricing;

    /** A budget left and whether it stops hard. */
    private record Limit(BudgetTracker.Remaining left, boolean hard) {}

    /** The one with fewer tokens left among those that stop hard (or only warn); null when there is none. */
    private static Limit tightest(List<Limit> limits, boolean hard) {
        Limit out = null;
        for (Limit l : limits) {
            if (l.hard() == hard && (out == null || l.left().tokens() < out.left().tokens())) {
                out = l;
            }
        }
        return out;
    }

    public BudgetGuard(BudgetTracker tracker, Pricing pricing) {
        this.tracker = tracker;
        this.pricing = pricing;
    }

    /**
     * The output tokens this call may produce, or null when no budget limits it.
     *
     * @param session the coding agent's session, or null
     * @param model the model the call goes to (prices a USD budget)
     * @param serviceTier the {@code service_tier} the call asks for, or null (a dearer tier's prices
     *     count against a USD budget)
     */
    public Long admit(KeyRecord key, String tenant, String run, String session, String model, String serviceTier,
            GovernanceConfig governance, int bodyBytes, int choices, ResponseHeaders res) {
        BudgetPolicy policy = governance.enabled() ? governance.policy() : BudgetPolicy.NONE;
        long prompt = bodyBytes / BYTES_PER_TOKEN;
        List<Limit> limits = new ArrayList<>(4);
        if (policy.any() || key.tokenBudget() != null) {
            for (BudgetTracker.Remaining left : tracker.every(key.id(), tenant, run, session, policy, key.tokenBudget())) {
                // A key's own budget (aegis run --tokens) always stops hard.
                limits.add(new Limit(left, policy.hardStop() || left.scope().equals("key")));
            }
        }
        SessionBudget own = session == null ? null : key.sessionBudget();
        boolean policyUsd = session != null && policy.perSessionUsd() != null;
        if (policyUsd || own != null) {
            long[] spent = tracker.sessionSpent(key.id(), session);
            if (policyUsd) {
                usd(spent[1], policy.perSessionUsd(), model, serviceTier, prompt, policy.hardStop()).ifPresent(limits::add);
            }
            if (own != null && own.tokens() != null) {
                limits.add(new Limit(new BudgetTracker.Remaining("session", own.tokens() - spent[0], -1), true));
            }
            if (own != null && own.usd() != null) {
                usd(spent[1], own.usd(), model, serviceTier, prompt, true).ifPresent(limits::add);
            }
        }
        // A spent budget that stops hard refuses the call, and the others that stop hard cap its
        // output; one that only warns never lifts the cap of one that stops.
        Limit hard = tightest(limits, true);
        if (hard != null && hard.left().tokens() - prompt < choices) {
            long retryMs = hard.left().resetMs() < 0 ? 86_400_000 : hard.left().resetMs();
            res.setHeader("Retry-After", String.valueOf(Math.max(1, (retryMs + 999) / 1000)));
            throw new ApiException(429, "budget_exceeded", spent(hard.left(), run, session, prompt, choices));
        }
        Limit soft = tightest(limits, false);
        if (soft != null && soft.left().tokens() - prompt < choices) {
            res.setHeader("X-Aegis-Budget-Warning", spent(soft.left(), run, session, prompt, choices));
        }
        return hard == null ? null : hard.left().tokens() - prompt;
    }

    /**
     * The output limit each of a call's answers gets from what its budget leaves: the output the
     * budget allows shared among the answers it asks for ({@code n}, {@code best_of}), whose output
     * limit holds for each. At least 1: {@link #admit} refuses a call that cannot have one token an answer.
     *
     * @param output what {@link #admit} returned for the call
     */
    public static int outputCap(long output, int choices) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, output / choices));
    }

    /** Why a call meets a spent budget, for its refusal or warning. */
    private static String spent(BudgetTracker.Remaining left, String run, String session, long prompt, int choices) {
        String why = left.tokens() <= 0 ? ""
                : left.tokens() - prompt <= 0 ? " (this prompt alone is larger than what remains)"
                : " (what remains is less than one token for each of the " + choices + " answers asked for)";
        return "the " + switch (left.scope()) {
            case "run" -> "run token budget of run " + run;
            case "session" -> "session token budget of session " + session;
            case "session-usd" -> "session USD budget of session " + session;
            case "key" -> "key token budget of this key";
            default -> left.scope() + " token budget";
        } + " is spent" + why;
    }

    /**
     * A session's USD budget as tokens for this call: its prompt plus the output what remains after
     * the prompt buys; the prompt less one when even the prompt does not fit. An unpriced model costs
     * nothing: only a budget already spent stops it (empty: no limit otherwise).
     */
    private Optional<Limit> usd(long spentNanos, BigDecimal budget, String model, String serviceTier, long prompt,
            boolean hard) {
        long leftNanos = Money.toNanos(budget) - spentNanos;
        if (leftNanos <= 0) {
            return Optional.of(new Limit(new BudgetTracker.Remaining("session-usd", 0, -1), hard));
        }
        Optional<ModelPrice> price = model == null ? Optional.empty() : pricing.price(model, serviceTier);
        ModelPrice.Rates rates = price.map(p -> p.ratesFor(prompt)).orElse(null);
        if (rates == null || rates.dearestOutput().signum() <= 0) {
            return Optional.empty();
        }
        BigDecimal promptNanos = rates.input().multiply(NANOS_PER_TOKEN_PER_USD_PER_MILLION).multiply(BigDecimal.valueOf(prompt));
        BigDecimal afterPrompt = BigDecimal.valueOf(leftNanos).subtract(promptNanos);
        if (afterPrompt.signum() < 0) {
            return Optional.of(new Limit(new BudgetTracker.Remaining("session-usd", Math.max(0, prompt - 1), -1), hard));
        }
        long output = afterPrompt.divide(rates.dearestOutput().multiply(NANOS_PER_TOKEN_PER_USD_PER_MILLION), 0, RoundingMode.FLOOR)
                .min(BigDecimal.valueOf(Long.MAX_VALUE / 2)).longValue();
        return Optional.of(new Limit(new BudgetTracker.Remaining("session-usd", prompt + output, -1), hard));
    }

    public void charge(KeyRecord key, String tenant, String run, String session, GovernanceConfig governance, long tokens,
            long costNanos) {
        tracker.charge(key == null ? null : key.id(), tenant, run, session, tokens, costNanos,
                counted(governance.enabled() ? governance.policy() : BudgetPolicy.NONE, key));
        if (key != null && key.tokenBudget() != null && tokens > 0) {
            tracker.chargeKey(key.id(), tokens);
        }
    }

    /**
     * The budgets whose shared counters (team mode) a call adds to: the policy's, and the session
     * counters a key's own session budget reads.
     */
    private static BudgetPolicy counted(BudgetPolicy policy, KeyRecord key) {
        SessionBudget own = key == null ? null : key.sessionBudget();
        if (own == null) {
            return policy;
        }
        return new BudgetPolicy(policy.hardStop(), policy.perRun(), policy.perMinute(), policy.perDay(),
                own.tokens() != null ? Math.max(1, policy.perSession()) : policy.perSession(),
                own.usd() != null && policy.perSessionUsd() == null ? own.usd() : policy.perSessionUsd());
    }
}
