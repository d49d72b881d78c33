package dev.aegis.keys;

import dev.aegis.config.SecretsMode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * What {@code aegis keygen} (or {@code aegis run}) asks for; {@code creditsUsd} null means no credit
 * limit, {@code runId} and {@code tokenBudget} null mean none, {@code secretsMode} null follows
 * {@code security.secrets.mode}; {@code subTenants} lets the key tag calls with {@code <tenant>/<anything>}; {@code sessionBudget}
 * null means none.
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
        Long tokenBudget,
        SecretsMode secretsMode,
        boolean subTenants,
        SessionBudget sessionBudget) {

    /** A key without a session budget of its own. */
    public NewKey(String name, String tenant, boolean admin, List<String> models, Integer rpm, Integer tpm,
            Instant expiresAt, BigDecimal creditsUsd, String runId, Long tokenBudget, SecretsMode secretsMode,
            boolean subTenants) {
        this(name, tenant, admin, models, rpm, tpm, expiresAt, creditsUsd, runId, tokenBudget, secretsMode, subTenants,
                null);
    }

    /** A key that may not name sub-tenants. */
    public NewKey(String name, String tenant, boolean admin, List<String> models, Integer rpm, Integer tpm,
            Instant expiresAt, BigDecimal creditsUsd, String runId, Long tokenBudget, SecretsMode secretsMode) {
        this(name, tenant, admin, models, rpm, tpm, expiresAt, creditsUsd, runId, tokenBudget, secretsMode, false);
    }

    /** A key that follows the configured secrets mode. */
    public NewKey(String name, String tenant, boolean admin, List<String> models, Integer rpm, Integer tpm,
            Instant expiresAt, BigDecimal creditsUsd, String runId, Long tokenBudget) {
        this(name, tenant, admin, models, rpm, tpm, expiresAt, creditsUsd, runId, tokenBudget, null);
    }

    /** A key that belongs to no run, has no token budget and follows the configured secrets mode. */
    public NewKey(String name, String tenant, boolean admin, List<String> models, Integer rpm, Integer tpm,
            Instant expiresAt, BigDecimal creditsUsd) {
        this(name, tenant, admin, models, rpm, tpm, expiresAt, creditsUsd, null, null, null);
    }
}
