package dev.aegis.admission;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.aegis.cache.CallPathCaches;
import dev.aegis.cache.StoreBackedCache;
import dev.aegis.config.GovernanceConfig;
import dev.aegis.http.ApiException;
import dev.aegis.keys.KeyRecord;
import dev.aegis.pricing.ModelPrice;
import dev.aegis.pricing.Pricing;
import dev.aegis.store.CreditLedger;
import dev.aegis.store.InsufficientCreditsException;
import dev.aegis.store.Money;
import dev.aegis.store.Reservation;
import dev.aegis.store.StoreUnavailableException;
import dev.aegis.records.BackgroundWriter;
import dev.aegis.records.Spool;
import java.util.Iterator;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Credits: before a call is forwarded, its estimated cost is reserved against the key's balance
 * (402 {@code insufficient_credits} once nothing is left); when it ends, the real cost is charged
 * and the reservation dropped. Concurrent calls therefore cannot overdraw a balance by more than
 * the estimate errors of the calls in flight at once (docs/GOVERNANCE.md).
 *
 * <p>The estimate is for the most expensive model the call can end up on (a fallback chain may
 * go to a pricier model than its first), and counts the input a call reads from context the
 * provider stores ({@code governance.credits.stored_context_tokens}), which its body does not show,
 * and the output of every answer it asks for ({@code n}, {@code best_of}: the output limit holds for
 * each, so a call for 8 answers may produce eight times its limit).
 */
public final class CreditGuard implements AutoCloseable {

    /** Output assumed when neither the request nor the price table bounds it. */
    /** A rough, deliberately generous prompt estimate: one token per 4 bytes of request body. */
    private static final int BYTES_PER_TOKEN = 4;
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    /** Whether a key has credits is re-read in the background once this old, as {@link dev.aegis.auth.KeyCache} does a key. */
    static final Duration REFRESH = Duration.ofMillis(400);
    /** ... and no answer older than this is used: a credit limit set by the CLI applies within it. */
    static final Duration EXPIRE = Duration.ofMillis(900);

    private final CreditLedger ledger;
    private final Pricing pricing;
    /** Most keys have no credit limit: knowing that from a cache keeps their calls off the database. */
    private final StoreBackedCache<String, Boolean> hasAccount;
    private final BackgroundWriter<Owed> owed;

    public CreditGuard(CreditLedger ledger, Pricing pricing, Ticker ticker) {
        this(ledger, pricing, ticker, null);
    }

    /** @param spool keeps the charges a stop could not write (the store down throughout), or null */
    public CreditGuard(CreditLedger ledger, Pricing pricing, Ticker ticker, Spool<Owed> spool) {
        this(ledger, pricing, ticker, spool, CallPathCaches.ownThreads("aegis-credit-refresh"));
    }

    /** @param refreshes runs the background re-reads of whether a key has credits */
    CreditGuard(CreditLedger ledger, Pricing pricing, Ticker ticker, Spool<Owed> spool, Executor refreshes) {
        this.owed = new BackgroundWriter<>("settlements", this::settleOwed, spool == null ? null : spool::keep);
        this.ledger = ledger;
        this.pricing = pricing;
        // As a key's record: re-read in the background while calls go on, never older than EXPIRE.
        this.hasAccount = CallPathCaches.storeBacked(CallPathCaches.builder().ticker(ticker).maximumSize(100_000),
                REFRESH, EXPIRE, keyId -> ledger.balance(keyId).isPresent(), refreshes);
    }

    /** True when the key has a credit limit (cached: at most {@link #EXPIRE} behind the ledger). */
    public boolean hasCredits(KeyRecord key) {
        return hasAccount.get(key.id());
    }

    /**
     * What a call may consume.
     *
     * @param bodyBytes the size of its body
     * @param storedContextTokens input tokens it reads from context the provider stores (0 when none)
     * @param maxOutputTokens the client's output limit, or null
     * @param choices the answers it asks for ({@code n}, {@code best_of}; at least 1): the output
     *     limit holds for each
     * @param serviceTier the {@code service_tier} it asks for, or null: estimated at that tier's prices
     *     when they are dearer ({@code priority})
     */
    public record CallSize(int bodyBytes, long storedContextTokens, Integer maxOutputTokens, int choices,
            String serviceTier) {

        public CallSize {
            if (choices < 1) {
                throw new IllegalArgumentException("a call asks for at least one answer, not " + choices);
            }
        }
    }

    /**
     * A call's credit reservation.
     *
     * @param outputCap the output limit each of its answers must be sent with so that what the key had
     *     left pays for the call, or null when its own limit (or the default) already fits
     */
    public record Reserved(Reservation reservation, Integer outputCap) {}

    /**
     * The reservation for a call, or empty for keys without a credit limit. A call whose estimate is
     * more than the key has left is capped to it: its output limit is lowered to what is left after
     * its prompt (for an API with an output limit), and it is refused (402) when what is left does
     * not pay for its prompt and one token of each answer. So one call cannot overdraw a balance by
     * more than its estimate's error either.
     *
     * @param models the models the call may be served by, in the order tried (a fallback chain)
     * @param capsOutput whether the call's API has an output limit the gateway can lower
     */
    public Optional<Reserved> reserve(KeyRecord key, List<String> models, CallSize size, boolean capsOutput) {
        if (!hasAccount.get(key.id())) {
            return Optional.empty();
        }
        long estimate = 0;
        ModelPrice dearest = null;
        for (String model : models) {
            Optional<ModelPrice> price = pricing.price(model, size.serviceTier());
            if (price.isEmpty() && pricing.refuseUnknown()) {
                throw new ApiException(403, "model_not_allowed", "model '" + model
                        + "' has no price and pricing.unknown is 'refuse': keys with credits cannot call it");
            }
            long thisOne = price.isPresent() ? estimateNanos(price.get(), size) : -1;
            if (price.isPresent() && (dearest == null || thisOne > estimate)) {
                estimate = thisOne;
                dearest = price.get();
            }
        }
        Reservation reservation;
        try {
            reservation = ledger.reserve(key.id(), estimate).orElse(null);
        } catch (InsufficientCreditsException e) {
            throw new ApiException(402, "insufficient_credits", e.getMessage());
        }
        if (reservation == null) {
            return Optional.empty();
        }
        long left = reservation.availableNanos() + reservation.amountNanos(); // before this call
        if (estimate <= left || dearest == null) {
            return Optional.of(new Reserved(reservation, capsOutput && dearest != null ? tableCap(dearest, size) : null));
        }
        long perAnswer = affordableOutput(dearest, size, left);
        if (perAnswer < 1) {
            ledger.settle(reservation, 0);
            throw new ApiException(402, "insufficient_credits", "the key's credits left (" + Money.toUsd(Math.max(0, left))
                    .stripTrailingZeros().toPlainString() + " USD) do not pay for this call's prompt and one token of output");
        }
        if (!capsOutput) {
            return Optional.of(new Reserved(reservation, null));
        }
        int cap = (int) Math.min(Integer.MAX_VALUE, perAnswer);
        // The call can cost no more than its capped estimate now: it holds that, and is charged that if no usage comes.
        long capped = estimateNanos(dearest, new CallSize(size.bodyBytes(), size.storedContextTokens(), cap, size.choices(),
                size.serviceTier()));
        try {
            return Optional.of(new Reserved(ledger.shrink(reservation, capped), cap));
        } catch (RuntimeException e) {
            settle(reservation, 0); // the store failed between the hold and its lowering: the hold must not stay
            throw e;
        }
    }

    /**
     * The output limit a call must be sent with so that it produces no more than its estimate holds:
     * the price table's most output for the model, when the call asks for more (a provider may allow
     * more than the table knows, e.g. an Anthropic beta header; each such call ran twice past its
     * reservation); null when the call's own limit is within it.
     */
    static Integer tableCap(ModelPrice price, CallSize size) {
        Integer asked = size.maxOutputTokens();
        return price.maxOutput() != null && asked != null && asked > price.maxOutput() ? price.maxOutput() : null;
    }

    /**
     * The rates a call's estimate is priced at. A model whose prompts past a size cost more (and whose
     * output then does too) is priced at the tier the prompt could reach: its body's bytes, which no
     * tokenizer turns into more tokens, not the estimate's quarter of them. Priced at the estimate's
     * tier, a 700 KB prompt of code (233k tokens at Claude's 200k tier) was charged twice what it held.
     */
    private static ModelPrice.Rates ratesFor(ModelPrice price, CallSize size) {
        return price.ratesFor(size.bodyBytes() + size.storedContextTokens());
    }

    /** The output tokens each answer may have for {@code leftNanos} to pay for the call: what is left after its prompt. */
    static long affordableOutput(ModelPrice price, CallSize size, long leftNanos) {
        long input = size.bodyBytes() / BYTES_PER_TOKEN + size.storedContextTokens();
        ModelPrice.Rates r = ratesFor(price, size);
        BigDecimal afterPrompt = Money.toUsd(leftNanos).subtract(r.input().multiply(BigDecimal.valueOf(input))
                .divide(MILLION, MathContext.DECIMAL128));
        if (afterPrompt.signum() < 0) {
            return 0;
        }
        if (r.dearestOutput().signum() == 0) {
            return Long.MAX_VALUE;
        }
        return afterPrompt.multiply(MILLION).divide(r.dearestOutput().multiply(BigDecimal.valueOf(size.choices())),
                MathContext.DECIMAL128).min(BigDecimal.valueOf(Long.MAX_VALUE)).longValue();
    }

    static long estimateNanos(ModelPrice price, CallSize size) {
        long input = size.bodyBytes() / BYTES_PER_TOKEN + size.storedContextTokens();
        long output = GovernanceConfig.Credits.DEFAULT_OUTPUT_TOKENS;
        if (size.maxOutputTokens() != null && size.maxOutputTokens() > 0) {
            output = size.maxOutputTokens();
        }
        if (price.maxOutput() != null) {
            output = Math.min(output, price.maxOutput()); // and sent with no more (tableCap)
        }
        ModelPrice.Rates r = ratesFor(price, size);
        BigDecimal usd = r.input().multiply(BigDecimal.valueOf(input))
                .add(r.dearestOutput().multiply(BigDecimal.valueOf(output)).multiply(BigDecimal.valueOf(size.choices())))
                .divide(MILLION, MathContext.DECIMAL128);
        return Money.toNanos(usd);
    }

    /**
     * Charges the real cost and drops the reservation. When the store cannot be reached (a shared
     * PostgreSQL down), the charge waits in memory and is retried until it is back, so the call is
     * still billed; a graceful stop waits (bounded) for those.
     */
    public void settle(Reservation reservation, long costNanos) {
        try {
            ledger.settle(reservation, costNanos);
        } catch (StoreUnavailableException e) {
            owed.submit(new Owed(reservation, costNanos));
        }
    }

    /** A charge the store could not take yet. */
    public record Owed(Reservation reservation, long costNanos) {}

    /** Writes the charges a stop kept (call before the ledger releases this daemon's leftover holds); how many. */
    public static int replay(Spool<Owed> spool, CreditLedger ledger) throws java.io.IOException {
        return spool.replay(batch -> batch.forEach(o -> ledger.settle(o.reservation(), o.costNanos())));
    }

    /** Retries charges in order; those done leave the batch, the rest is kept by the writer on a failure. */
    private void settleOwed(List<Owed> batch) {
        Iterator<Owed> it = batch.iterator();
        while (it.hasNext()) {
            Owed o = it.next();
            ledger.settle(o.reservation(), o.costNanos());
            it.remove();
        }
    }

    /** Charges still waiting for the store. */
    public long owedBacklog() {
        return owed.backlog();
    }

    /** Writes the charges still waiting, bounded by the writer's stop timeout. */
    @Override
    public void close() {
        owed.close();
    }
}
