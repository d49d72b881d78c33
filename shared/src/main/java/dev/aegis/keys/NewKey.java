package dev.aegis.keys;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * What {@code aegis keygen} (or {@code aegis run}) asks for; {@code creditsUsd} null means no credit
 * limit, {@code runId} and {@code tokenBudget} null mean none.
 */
public record NewKey(
        String name,
        String tenant,
        boolean admin,
        List<String> models,
        Integer rpm,
        Integer tpm,
        Instant expiresAt,
        BigDecimal creditsUsd,
        String runId,
        Long tokenBudget) {

    /** A key that belongs to no run and has no token budget. */
    public NewKey(String name, String tenant, boolean admin, List<String> models, Integer rpm, Integer tpm,
            Instant expiresAt, BigDecimal creditsUsd) {
        this(name, tenant, admin, models, rpm, tpm, expiresAt, creditsUsd, null, null);
    }
}
