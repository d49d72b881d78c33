package dev.aegis.config;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code pricing} section.
 *
 * @param refuseUnknown {@code unknown: refuse}: calls to unpriced models are refused for keys with credits
 * @param file an optional price file in the LiteLLM {@code model_prices_and_context_window.json} format
 * @param overrides USD per million tokens per model, over the built-in table and the file
 */
public record PricingConfig(boolean refuseUnknown, Path file, Map<String, PriceOverride> overrides) {

    public static final PricingConfig DEFAULT = new PricingConfig(false, null, Map.of());

    public PricingConfig {
        overrides = Map.copyOf(overrides);
    }

    /** USD per million tokens; a null cached-input or cache-write price means "same as input". */
    public record PriceOverride(BigDecimal input, BigDecimal cachedInput, BigDecimal cacheWrite, BigDecimal output) {}
}
