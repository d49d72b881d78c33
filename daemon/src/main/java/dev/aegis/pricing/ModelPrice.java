package dev.aegis.pricing;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A model's prices in USD per million tokens, with optional higher tiers for large prompts (the
 * whole call is billed at a tier's prices once the prompt is above its threshold) and the prices of
 * the provider's service tiers ({@code priority}, {@code flex}: a call asks for one with
 * {@code service_tier} and the answer names the one that served it).
 *
 * @param maxOutput the model's maximum output tokens, or null when unknown
 * @param perWebSearch USD for each web search the provider runs for a call (a server tool), zero when unknown
 * @param serviceTiers the prices of each service tier that has its own, by the name the provider
 *     uses; a call served at any other tier ({@code default}, {@code auto}, {@code standard}) pays
 *     the standard prices
 */
public record ModelPrice(Rates rates, Integer maxOutput, List<Tier> tiers, Map<String, ModelPrice> serviceTiers,
        BigDecimal perWebSearch) {

    /**
     * USD per million tokens of each kind: text input, cache reads, cache writes, text output, and
     * the kinds some models price apart (audio input and output, cache writes kept an hour), which
     * are the text or five-minute prices for a model that does not.
     */
    public record Rates(BigDecimal input, BigDecimal cachedInput, BigDecimal cacheWrite, BigDecimal output,
            BigDecimal audioInput, BigDecimal audioOutput, BigDecimal cacheWriteHour) {

        /** Text prices only. */
        public Rates(BigDecimal input, BigDecimal cachedInput, BigDecimal cacheWrite, BigDecimal output) {
            this(input, cachedInput, cacheWrite, output, input, output, cacheWrite);
        }

        /**
         * The output price an estimate counts, before the answer says what it was: the dearest the
         * model has (an audio model's spoken answer costs several times its text).
         */
        public BigDecimal dearestOutput() {
            return output.max(audioOutput);
        }

        /** True when these rates charge more than {@code other} for input or for output. */
        boolean dearerThan(Rates other) {
            return input.compareTo(other.input) > 0 || output.compareTo(other.output) > 0;
        }
    }

    /** Prices that apply when the prompt has more than {@code threshold} tokens. */
    public record Tier(long threshold, Rates rates) {}

    public ModelPrice {
        tiers = tiers.stream().sorted(Comparator.comparingLong(Tier::threshold)).toList();
        serviceTiers = Map.copyOf(serviceTiers);
        perWebSearch = perWebSearch == null ? BigDecimal.ZERO : perWebSearch;
    }

    /** Token prices only. */
    public ModelPrice(Rates rates, Integer maxOutput, List<Tier> tiers) {
        this(rates, maxOutput, tiers, Map.of(), BigDecimal.ZERO);
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

    /** The prices of the service tier an answer says served it; the standard ones for a tier without its own, or none. */
    public ModelPrice servedAt(String serviceTier) {
        ModelPrice p = serviceTier == null ? null : serviceTiers.get(serviceTier);
        return p == null ? this : p;
    }

    /**
     * The prices to estimate a call by before its answer names its tier: those of the tier it asks
     * for when they are dearer than the standard ones ({@code priority}), the standard ones otherwise.
     * A tier asked for need not be the tier that serves (the provider may serve {@code priority} at
     * the standard tier); an estimate that counts too much is settled, one that counts too little lets
     * a key spend past its credits.
     */
    public ModelPrice askedAt(String serviceTier) {
        ModelPrice p = servedAt(serviceTier);
        return p.rates.dearerThan(rates) ? p : this;
    }
}
