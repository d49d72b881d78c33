package dev.aegis.pricing;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;

/**
 * A model's prices in USD per million tokens, with optional higher tiers for large prompts (the
 * whole call is billed at a tier's prices once the prompt is above its threshold).
 *
 * @param maxOutput the model's maximum output tokens, or null when unknown
 */
public record ModelPrice(Rates rates, Integer maxOutput, List<Tier> tiers) {

    /** USD per million tokens of each kind. */
    public record Rates(BigDecimal input, BigDecimal cachedInput, BigDecimal cacheWrite, BigDecimal output) {}

    /** Prices that apply when the prompt has more than {@code threshold} tokens. */
    public record Tier(long threshold, Rates rates) {}

    public ModelPrice {
        tiers = tiers.stream().sorted(Comparator.comparingLong(Tier::threshold)).toList();
    }

    /** The rates for a prompt of this many tokens. */
    public Rates ratesFor(long inputTokens) {
        Rates r = rates;
        for (Tier t : tiers) {
            if (inputTokens > t.threshold()) {
                r = t.rates();
            }
        }
        return r;
    }
}
