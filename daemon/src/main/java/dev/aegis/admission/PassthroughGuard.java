package dev.aegis.admission;

import dev.aegis.config.GovernanceConfig;
import dev.aegis.config.PassthroughConfig;
import dev.aegis.http.ApiException;
import dev.aegis.keys.KeyRecord;

/**
 * Pass-through calls (paths Aegis forwards without reading: files, images, batches, ...) cannot be
 * priced, budgeted or held to a model list. A key with any of those limits therefore reaches only
 * the paths {@code passthrough.allow} names (403 {@code passthrough_not_allowed} otherwise); a key
 * with none reaches every path.
 */
public final class PassthroughGuard {

    private final CreditGuard credits;

    PassthroughGuard(CreditGuard credits) {
        this.credits = credits;
    }

    /**
     * Refuses a pass-through call the key may not make.
     *
     * @param apiPath the canonical path below the API version, e.g. {@code /files}
     */
    public void admit(KeyRecord key, GovernanceConfig governance, PassthroughConfig passthrough, String method,
            String apiPath) {
        if (!limited(key, governance) || passthrough.allows(method, apiPath)) {
            return;
        }
        throw new ApiException(403, "passthrough_not_allowed", method + " " + apiPath + " is not one of the endpoints "
                + "Aegis prices, and this key has credits, a budget or a model list: it may reach only the paths "
                + "passthrough.allow names");
    }

    /**
     * True when the key has credits, a token budget of its own or a model list, or when governance
     * budgets are in force (they apply to every key).
     */
    boolean limited(KeyRecord key, GovernanceConfig governance) {
        return !key.models().isEmpty()
                || key.tokenBudget() != null
                || (governance.enabled() && governance.policy().any())
                || credits.hasCredits(key);
    }
}
