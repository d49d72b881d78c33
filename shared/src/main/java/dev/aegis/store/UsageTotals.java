package dev.aegis.store;

import java.math.BigDecimal;

/** Totals of one group of calls (or of all), token counts as SPEC §6 defines them. */
public record UsageTotals(
        String group,
        long requests,
        long input,
        long cachedInput,
        long cacheWrite,
        long output,
        long reasoning,
        BigDecimal costUsd) {}
