package dev.aegis.pricing;

import dev.aegis.config.PricingConfig;
import dev.aegis.pricing.ModelPrice.Rates;
import dev.aegis.usage.TokenUsage;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prices calls: the built-in table, then the optional user price file, then config overrides.
 * Cost (SPEC §6) = uncached input × input + cache reads × cached input + cache writes × cache write
 * + output × output, in exact decimals; the parts of a kind with a price of their own (audio input and
 * output, cache writes kept an hour: {@link TokenUsage}) at that price; plus each web search the
 * provider ran at its price.
 */
public final class Pricing {

    private final PriceTable table;
    private final boolean refuseUnknown;

    public Pricing(PriceTable table, boolean refuseUnknown) {
        this.table = table;
        this.refuseUnknown = refuseUnknown;
    }

    /** The built-in table with the config's file and overrides applied. */
    public static Pricing from(PricingConfig config) throws IOException {
        return from(config, PriceTable.builtIn());
    }

    /** {@code builtIn} (the release's table, read already) with the config's file and overrides applied. */
    public static Pricing from(PricingConfig config, PriceTable builtIn) throws IOException {
        PriceTable table = builtIn;
        if (config.file() != null) {
            table = table.with(LiteLlmPriceFile.read(config.file()), "+file");
        }
        if (!config.overrides().isEmpty()) {
            Map<String, ModelPrice> overrides = new HashMap<>();
            config.overrides().forEach((model, o) -> overrides.put(model, new ModelPrice(new Rates(o.input(),
                    o.cachedInput() == null ? o.input() : o.cachedInput(),
                    o.cacheWrite() == null ? o.input() : o.cacheWrite(), o.output()), null, List.of())));
            table = table.with(overrides, "+overrides");
        }
        return new Pricing(table, config.refuseUnknown());
    }

    public String version() {
        return table.version();
    }

    public boolean refuseUnknown() {
        return refuseUnknown;
    }

    /** The priced models and their providers (see {@link PriceTable#listing()}). */
    public Map<String, String> listing() {
        return table.listing();
    }

    public Optional<ModelPrice> price(String model) {
        return table.find(model);
    }

    /** The prices to estimate a call by before its answer: see {@link ModelPrice#askedAt}. */
    public Optional<ModelPrice> price(String model, String askedTier) {
        return table.find(model).map(p -> p.askedAt(askedTier));
    }

    /** What a call cost at the standard prices. */
    public Cost cost(String model, TokenUsage usage) {
        return cost(model, usage, null, null);
    }

    /**
     * What a call cost: at the prices of the service tier its answer says served it, or, when the
     * answer names none (a provider that does not say, a stream cut short), of the tier it asked for
     * when that one is dearer ({@link ModelPrice#askedAt}).
     *
     * @param servedTier the answer's {@code service_tier}, or null
     * @param askedTier the request's {@code service_tier}, or null
     */
    public Cost cost(String model, TokenUsage usage, String servedTier, String askedTier) {
        Optional<ModelPrice> price = table.find(model);
        if (price.isEmpty()) {
            return new Cost(BigDecimal.ZERO, true, table.version());
        }
        ModelPrice p = servedTier != null ? price.get().servedAt(servedTier) : price.get().askedAt(askedTier);
        return new Cost(cost(p, withImpliedSearch(model, usage)), false, table.version());
    }

    /**
     * OpenAI's search models ({@code gpt-4o-search-preview}, {@code gpt-4o-mini-search-preview},
     * {@code gpt-5-search-api}) search the web before every answer, billed per search on top of the
     * tokens, and their usage does not count it: an answered call of one is one search.
     */
    static TokenUsage withImpliedSearch(String model, TokenUsage u) {
        return u.webSearches() == 0 && u.total() > 0 && model.contains("-search-") ? u.withWebSearches(1) : u;
    }

    static BigDecimal cost(ModelPrice price, TokenUsage u) {
        Rates r = price.ratesFor(u.input());
        // Parts of the input never more than it (a provider's count of cache reads beyond its prompt, say).
        // Each part is within its whole already (TokenUsage).
        long cached = u.cachedInput();
        long cacheWrite = u.cacheWrite();
        long uncached = u.input() - cached - cacheWrite;
        long audioInput = u.audioInput();
        long cacheWriteHour = u.cacheWriteHour();
        long audioOutput = u.audioOutput();
        BigDecimal perMillion = r.input().multiply(BigDecimal.valueOf(uncached - audioInput))
                .add(r.audioInput().multiply(BigDecimal.valueOf(audioInput)))
                .add(r.cachedInput().multiply(BigDecimal.valueOf(cached)))
                .add(r.cacheWrite().multiply(BigDecimal.valueOf(cacheWrite - cacheWriteHour)))
                .add(r.cacheWriteHour().multiply(BigDecimal.valueOf(cacheWriteHour)))
                .add(r.output().multiply(BigDecimal.valueOf(u.output() - audioOutput)))
                .add(r.audioOutput().multiply(BigDecimal.valueOf(audioOutput)));
        // Exact: a division by a million only moves the point (a divide with a MathContext ran a long
        // division on every call).
        BigDecimal usd = perMillion.movePointLeft(6);
        if (u.webSearches() > 0) {
            usd = usd.add(price.perWebSearch().multiply(BigDecimal.valueOf(u.webSearches())));
        }
        return usd.stripTrailingZeros();
    }
}
