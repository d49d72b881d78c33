package dev.aegis.keys;

import dev.aegis.config.SecretsMode;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A stored key: everything but the secret, of which only the hash is kept.
 *
 * @param models model names or patterns ({@code gpt-4o*}) the key may call; empty means any
 * @param rpm requests per minute allowed, or null for no per-key limit
 * @param tpm tokens per minute allowed, or null
 * @param runId the run every call of this key belongs to (keys minted by {@code aegis run}), or null
 * @param tokenBudget tokens this key may use in its life (input + output; a hard stop), or null
 * @param secretsMode what this key's prompts that hold a secret get, over {@code security.secrets.mode};
 *     null to follow the config
 * @param subTenants whether the key may tag a call with a sub-tenant of its own, {@code <tenant>/<anything>}
 *     ({@code aegis keygen --sub-tenants})
 * @param sessionBudget what each of this key's sessions may spend (a hard stop), or null
 */
public record KeyRecord(
        String id,
        String name,
        String tenant,
        String secretSha256,
        boolean admin,
        List<String> models,
        Integer rpm,
        Integer tpm,
        Instant createdAt,
        Instant expiresAt,
        Instant revokedAt,
        String runId,
        Long tokenBudget,
        SecretsMode secretsMode,
        boolean subTenants,
        SessionBudget sessionBudget) {

    public KeyRecord {
        models = List.copyOf(models);
    }

    /** A key without a session budget of its own. */
    public KeyRecord(String id, String name, String tenant, String secretSha256, boolean admin, List<String> models,
            Integer rpm, Integer tpm, Instant createdAt, Instant expiresAt, Instant revokedAt, String runId,
            Long tokenBudget, SecretsMode secretsMode, boolean subTenants) {
        this(id, name, tenant, secretSha256, admin, models, rpm, tpm, createdAt, expiresAt, revokedAt, runId,
                tokenBudget, secretsMode, subTenants, null);
    }

    /** A key that may not name sub-tenants. */
    public KeyRecord(String id, String name, String tenant, String secretSha256, boolean admin, List<String> models,
            Integer rpm, Integer tpm, Instant createdAt, Instant expiresAt, Instant revokedAt, String runId,
            Long tokenBudget, SecretsMode secretsMode) {
        this(id, name, tenant, secretSha256, admin, models, rpm, tpm, createdAt, expiresAt, revokedAt, runId,
                tokenBudget, secretsMode, false);
    }

    public boolean revoked() {
        return revokedAt != null;
    }

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** Usable now: neither revoked nor expired. */
    public boolean active(Instant now) {
        return !revoked() && !expired(now);
    }

    /** The secrets mode for this key's calls: its own, or else the configured one. */
    public SecretsMode secretsMode(SecretsMode configured) {
        return secretsMode != null ? secretsMode : configured;
    }

    public boolean allowsModel(String model) {
        if (models.isEmpty()) {
            return true;
        }
        for (String allowed : models) {
            String regex = ("\\Q" + allowed + "\\E").replace("*", "\\E.*\\Q");
            if (Pattern.matches(regex, model)) {
                return true;
            }
        }
        return false;
    }
}
