package dev.aegis.store;

import java.math.BigDecimal;

/** Totals of one group of calls (or of all), token counts as SPEC §6 defines them, and the cache-hit rate. */
public record UsageTotals(
        String group,
        long requests,
        long input,
        long cachedInput,
        long cacheWrite,
        long output,
        long reasoning,
        BigDecimal costUsd) {

    /**
     * The prompt-cache hit rate, {@code cached_input / input} (both as SPEC §6 counts them: input
     * includes the cached tokens), to 4 decimals; null when there was no input.
     */
    public BigDecimal cacheHitRate() {
        return input <= 0 ? null
                : BigDecimal.valueOf(cachedInput).divide(BigDecimal.valueOf(input), 4, java.math.RoundingMode.HALF_UP);
    }
}
