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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Token budgets while governance is on, and a key's own budgets (its life's tokens, each session's
 * tokens and USD) always. With {@code hardStop} (a key's own budgets always stop hard): a spent budget
 * is refused with 429 {@code budget_exceeded} and {@code Retry-After}, and a call's output is capped to
 * what remains (its output limit lowered, and its stream ended cleanly if it still gets there). Without
 * it: the call goes through with {@code X-Aegis-Budget-Warning}.
 *
 * <p>A USD budget (per session) is turned into tokens at the call's model's prices: the prompt
 * ({@link PromptEstimate}) at the input price, and what remains after it at the output price, so the same
 * output cap and stream cut-off enforce it.
 *
 * <p>A call that a budget stops hard holds, until it is charged, its prompt and the most output it
 * may produce (its own limit or its model's maximum, the lower, else the configured default), and is capped
 * and cut off at that output: calls started at once share what remains instead of each getting all
 * of it, so a hard budget is passed by no more than the estimates' error (4 bytes of the body a prompt
 * token, 4 streamed characters an output token). A call that does not fit beside the holds waits for them.
 */
public final class BudgetGuard {

    /** USD per million tokens, as nano-USD per token. */
    private static final BigDecimal NANOS_PER_TOKEN_PER_USD_PER_MILLION = BigDecimal.valueOf(1000);

    private final BudgetTracker tracker;
    private final Pricing pricing;
    /** Held while a call is checked and takes its hold: the next call's check sees it. */
    private final ReentrantLock admitting = new ReentrantLock();
    /** Signalled when a call gives back what it held, for the calls waiting for it. */
    private final Condition released = admitting.newCondition();
    /** Calls waiting for holds to be given back (changed under {@link #admitting}). */
    private volatile int waiting;

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

    /** How long a call waits for the calls in flight to give back what they hold before it takes what is left. */
    static final Duration HOLD_WAIT = Duration.ofSeconds(60);

    public BudgetGuard(BudgetTracker tracker, Pricing pricing) {
        this.tracker = tracker;
        this.pricing = pricing;
    }

    /**
     * A call as its budgets see it.
     *
     * @param tenant its tenant ({@code x-tenant-id} or the key's)
     * @param run its run, or null
     * @param session the coding agent's session, or null
     * @param model the model the call goes to (its maximum output, and its prices for a USD budget)
     * @param serviceTier the {@code service_tier} the call asks for, or null (a dearer tier's prices
     *     count against a USD budget)
     * @param body its body (its prompt is estimated from it: {@link PromptEstimate})
     * @param storedContextTokens input it reads from context the provider stores (a Responses call's
     *     {@code previous_response_id}, {@code conversation} or {@code prompt}), as credits estimate it
     * @param choices the answers it asks for ({@code n}, {@code best_of}; at least 1)
     * @param outputLimit the output tokens each answer may have as the client asked, or null when
     *     the client sets no limit; 0 for an API that generates none (embeddings)
     */
    public record Call(String tenant, String run, String session, String model, String serviceTier, byte[] body,
            long storedContextTokens, int choices, Integer outputLimit) {}

    /**
     * What a call's budgets let it do.
     *
     * @param output the output tokens it may produce over all its answers, or null when no budget
     *     that stops hard limits it
     * @param hold what it holds of its budgets until it is charged, or null when it holds nothing
     */
    public record Admitted(Long output, BudgetTracker.Hold hold) {
        static final Admitted UNLIMITED = new Admitted(null, null);
    }

    /**
     * Checks a call against its budgets: refuses it when one that stops hard is spent (429), warns
     * when one that only warns is, and otherwise lets it produce at most what the tightest hard one
     * leaves, which it holds until it is charged. A call that would get less than it may produce
     * because calls in flight hold the rest waits for them (up to {@link #HOLD_WAIT}), instead of
     * being cut short or refused for a budget that is not spent. Calls are checked one after the
     * other, so that each sees what the others hold.
     */
    public Admitted admit(KeyRecord key, Call call, GovernanceConfig governance, ResponseHeaders res) {
        BudgetPolicy policy = governance.enabled() ? governance.policy() : BudgetPolicy.NONE;
        SessionBudget own = call.session() == null ? null : key.sessionBudget();
        boolean policyUsd = call.session() != null && policy.perSessionUsd() != null;
        if (!policy.any() && key.tokenBudget() == null && !policyUsd && own == null) {
            return Admitted.UNLIMITED;
        }
        long most = mostOutput(call, governance.credits().defaultOutputTokens());
        long prompt = PromptEstimate.tokens(call.body(), call.storedContextTokens());
        long waitUntil = System.nanoTime() + HOLD_WAIT.toNanos();
        admitting.lock();
        boolean counted = false;
        try {
            while (true) {
                boolean mayWait = System.nanoTime() < waitUntil;
                Admitted admitted = admitNow(key, call, policy, own, policyUsd, prompt, most, mayWait, res);
                if (admitted != null) {
                    return admitted;
                }
                if (!counted) {
                    // Counted first, then checked again: a hold given back after that check signals.
                    waiting++;
                    counted = true;
                    continue;
                }
                released.awaitNanos(waitUntil - System.nanoTime());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "server_busy", "the call was stopped while it waited for its budget");
        } finally {
            if (counted) {
                waiting--;
            }
            admitting.unlock();
        }
    }

    /** The admission of a call now, or null when it should wait for the holds of calls in flight. */
    private Admitted admitNow(KeyRecord key, Call call, BudgetPolicy policy, SessionBudget own, boolean policyUsd,
            long prompt, long most, boolean mayWait, ResponseHeaders res) {
        List<Limit> limits = new ArrayList<>(4);
        if (policy.any() || key.tokenBudget() != null) {
            for (BudgetTracker.Remaining left : tracker.every(key.id(), call.tenant(), call.run(), call.session(), policy,
                    key.tokenBudget())) {
                // A key's own budget (aegis run --tokens) always stops hard.
                limits.add(new Limit(left, policy.hardStop() || left.scope().equals("key")));
            }
        }
        boolean holdsCost = false;
        if (policyUsd || own != null) {
            long[] spent = tracker.sessionSpent(key.id(), call.session());
            if (policyUsd) {
                usd(spent[1], spent[3], policy.perSessionUsd(), call, prompt, policy.hardStop()).ifPresent(limits::add);
                holdsCost = policy.hardStop();
            }
            if (own != null && own.tokens() != null) {
                limits.add(new Limit(new BudgetTracker.Remaining("session", own.tokens() - spent[0], -1, spent[2]), true));
            }
            if (own != null && own.usd() != null) {
                usd(spent[1], spent[3], own.usd(), call, prompt, true).ifPresent(limits::add);
                holdsCost = true;
            }
        }
        // A spent budget that stops hard refuses the call, and the others that stop hard cap its
        // output; one that only warns never lifts the cap of one that stops.
        Limit hard = tightest(limits, true);
        long allowed = hard == null ? Long.MAX_VALUE : hard.left().tokens() - prompt;
        long output = Math.min(allowed, most);
        // Waiting helps only when calls in flight hold some of the budget that limits this one.
        boolean heldByOthers = allowed < most && hard.left().held() > 0;
        if (heldByOthers && mayWait) {
            return null;
        }
        if (allowed < call.choices()) {
            long retryMs = heldByOthers ? 1_000 : hard.left().resetMs() < 0 ? 86_400_000 : hard.left().resetMs();
            res.setHeader("Retry-After", String.valueOf(Math.max(1, (retryMs + 999) / 1000)));
            String why = heldByOthers ? held(hard.left(), call) : spent(hard.left(), call, prompt);
            // Held by calls in flight, or a minute's budget: it passes by itself soon, and a client should retry;
            // unless the call's prompt could never fit the budget, even a whole minute's.
            boolean passes = retryMs <= 60_000 && !hard.left().neverFits(prompt + call.choices());
            throw passes ? ApiException.passing("budget_exceeded", why) : new ApiException(429, "budget_exceeded", why);
        }
        Limit soft = tightest(limits, false);
        if (soft != null && soft.left().tokens() - prompt < call.choices()) {
            res.setHeader("X-Aegis-Budget-Warning", spent(soft.left(), call, prompt));
        }
        if (hard == null) {
            return Admitted.UNLIMITED;
        }
        long costNanos = holdsCost ? costNanos(call, prompt, output) : 0;
        return new Admitted(output, tracker.hold(key.id(), call.tenant(), call.run(), call.session(), prompt + output,
                costNanos));
    }

    /**
     * The most output a call can produce over its answers: its own limit or its model's maximum (the
     * price table's), the lower of the two, else the configured default
     * ({@code governance.credits.default_output_tokens}).
     */
    private long mostOutput(Call call, int byDefault) {
        Integer asked = call.outputLimit();
        Integer modelMax = asked != null && asked == 0 || call.model() == null ? null
                : pricing.price(call.model(), call.serviceTier()).map(ModelPrice::maxOutput).orElse(null);
        long perAnswer = asked == null ? (modelMax == null ? byDefault : modelMax)
                : modelMax == null ? asked : Math.min(asked, modelMax);
        return perAnswer * call.choices();
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
    private static String spent(BudgetTracker.Remaining left, Call call, long prompt) {
        String why = left.tokens() <= 0 ? ""
                : left.tokens() - prompt <= 0 ? " (this prompt alone is larger than what remains)"
                : " (what remains is less than one token for each of the " + call.choices() + " answers asked for)";
        return "the " + name(left, call) + " is spent" + why;
    }

    /** Why a call is refused after waiting for calls in flight that hold what is left of its budget. */
    private static String held(BudgetTracker.Remaining left, Call call) {
        return "what is left of the " + name(left, call) + " is held by calls still running (given back as they"
                + " end, less what they use): retry when they have ended";
    }

    private static String name(BudgetTracker.Remaining left, Call call) {
        return switch (left.scope()) {
            case "run" -> "run token budget of run " + call.run();
            case "session" -> "session token budget of session " + call.session();
            case "session-usd" -> "session USD budget of session " + call.session();
            case "key" -> "key token budget of this key";
            default -> left.scope() + " token budget";
        };
    }

    /**
     * A session's USD budget as tokens for this call: its prompt plus the output what remains after
     * the prompt buys; the prompt less one when even the prompt does not fit. An unpriced model costs
     * nothing: only a budget already spent stops it (empty: no limit otherwise).
     */
    private Optional<Limit> usd(long spentNanos, long heldNanos, BigDecimal budget, Call call, long prompt, boolean hard) {
        long leftNanos = Money.toNanos(budget) - spentNanos;
        // Calls in flight holding some of it: a token each, enough for the call to wait for them.
        long held = heldNanos > 0 ? 1 : 0;
        if (leftNanos <= 0) {
            return Optional.of(new Limit(new BudgetTracker.Remaining("session-usd", 0, -1, held), hard));
        }
        ModelPrice.Rates rates = rates(call, prompt);
        if (rates == null) {
            return Optional.empty();
        }
        BigDecimal afterPrompt = BigDecimal.valueOf(leftNanos).subtract(nanos(rates.input(), prompt));
        if (afterPrompt.signum() < 0) {
            return Optional.of(new Limit(new BudgetTracker.Remaining("session-usd", Math.max(0, prompt - 1), -1, held), hard));
        }
        long output = afterPrompt.divide(nanos(rates.dearestOutput(), 1), 0, RoundingMode.FLOOR)
                .min(BigDecimal.valueOf(Long.MAX_VALUE / 2)).longValue();
        return Optional.of(new Limit(new BudgetTracker.Remaining("session-usd", prompt + output, -1, held), hard));
    }

    /** What a call's prompt and output cost at most, in nano-USD: 0 for an unpriced model. */
    private long costNanos(Call call, long prompt, long output) {
        ModelPrice.Rates rates = rates(call, prompt);
        return rates == null ? 0 : nanos(rates.input(), prompt).add(nanos(rates.dearestOutput(), output))
                .min(BigDecimal.valueOf(Long.MAX_VALUE / 2)).longValue();
    }

    /** The call's model's prices for a prompt this long, or null when it has none (or its output is free). */
    private ModelPrice.Rates rates(Call call, long prompt) {
        Optional<ModelPrice> price = call.model() == null ? Optional.empty() : pricing.price(call.model(), call.serviceTier());
        ModelPrice.Rates rates = price.map(p -> p.ratesFor(prompt)).orElse(null);
        return rates == null || rates.dearestOutput().signum() <= 0 ? null : rates;
    }

    /** The nano-USD of so many tokens at a price in USD per million. */
    private static BigDecimal nanos(BigDecimal usdPerMillion, long tokens) {
        return usdPerMillion.multiply(NANOS_PER_TOKEN_PER_USD_PER_MILLION).multiply(BigDecimal.valueOf(tokens));
    }

    /**
     * Counts a call's tokens and cost, then releases what it held.
     *
     * @param hold what {@link #admit} held for it, or null
     */
    public void charge(KeyRecord key, String tenant, String run, String session, GovernanceConfig governance, long tokens,
            long costNanos, BudgetTracker.Hold hold) {
        try {
            tracker.charge(key == null ? null : key.id(), tenant, run, session, tokens, costNanos,
                    counted(governance.enabled() ? governance.policy() : BudgetPolicy.NONE, key));
            if (key != null && key.tokenBudget() != null && tokens > 0) {
                tracker.chargeKey(key.id(), tokens);
            }
        } finally {
            if (hold != null) {
                release(hold);
            }
        }
    }

    /** Gives back what a call held, and wakes the calls waiting for it. */
    private void release(BudgetTracker.Hold hold) {
        hold.release();
        if (waiting > 0) {
            admitting.lock();
            try {
                released.signalAll();
            } finally {
                admitting.unlock();
            }
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
