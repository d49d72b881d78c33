package dev.aegis.admission;

import dev.aegis.config.GovernanceConfig;
import dev.aegis.config.PassthroughConfig;
import dev.aegis.http.ApiException;
import dev.aegis.keys.KeyRecord;
import java.util.Set;

/**
 * Calls whose cost Aegis cannot see. Pass-through calls (paths Aegis forwards without reading:
 * files, images, batches, ...) cannot be priced, budgeted or held to a model list: a key with any of
 * those limits reaches only the paths {@code passthrough.allow} names (403
 * {@code passthrough_not_allowed} otherwise); a key with none reaches every path. A background
 * response ({@code background: true}) is answered at once and generated afterwards, its usage only
 * in what a later fetch returns: a key with credits or a budget cannot start one (403
 * {@code background_not_allowed}). Anthropic's fast mode ({@code speed: "fast"}) bills every token at
 * a premium (2 to 6 times) the price facts do not list: a key with credits or a budget cannot ask for
 * it (403 {@code fast_mode_not_allowed}). A Responses hosted tool billed apart from the call's tokens
 * (image generation) is refused to such a key too (403 {@code hosted_tool_not_allowed}).
 */
public final class PassthroughGuard {

    /** The Responses hosted tools billed apart from a call's tokens. */
    private static final Set<String> BILLED_APART = Set.of("image_generation");

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
     * Refuses a background response for a key whose spending Aegis holds to a limit: the tokens it
     * generates after the answer would be neither charged nor counted.
     */
    public void admitBackground(KeyRecord key, GovernanceConfig governance) {
        refuseIfBudgeted(key, governance, "background_not_allowed", "a background response is generated after its "
                + "answer, where Aegis cannot count its tokens or cost, and this key has credits or a budget: "
                + "send the call without \"background\": true");
    }

    /**
     * Refuses Anthropic's fast mode for a key whose spending Aegis holds to a limit: its premium is in
     * no price Aegis has, so the call's cost would be counted at a fraction of what it is.
     */
    public void admitFastMode(KeyRecord key, GovernanceConfig governance) {
        refuseIfBudgeted(key, governance, "fast_mode_not_allowed", "fast mode (\"speed\": \"fast\") bills a "
                + "premium Aegis has no price for, so it could not hold this key's credits or budget: "
                + "send the call without it (in Claude Code, turn /fast off)");
    }

    /**
     * Refuses a Responses hosted tool billed apart from the call's tokens to a key whose spending Aegis
     * holds to a limit: its charge is in no usage the answer reports and no price Aegis has, so the key's
     * credits or budget would not see it. Image generation (a high-quality image costs about $0.25).
     */
    public void admitHostedTool(KeyRecord key, GovernanceConfig governance, String type) {
        if (BILLED_APART.contains(type)) {
            refuseIfBudgeted(key, governance, "hosted_tool_not_allowed", "the hosted tool " + type + " is billed apart"
                    + " from the call's tokens, at a price Aegis does not have, and this key has credits or a budget:"
                    + " send the call without it");
        }
    }

    private void refuseIfBudgeted(KeyRecord key, GovernanceConfig governance, String code, String message) {
        if (budgeted(key, governance)) {
            throw new ApiException(403, code, message);
        }
    }

    /**
     * True when the key has credits, a token budget of its own or a model list, or when governance
     * budgets are in force (they apply to every key).
     */
    public boolean limited(KeyRecord key, GovernanceConfig governance) {
        return !key.models().isEmpty() || budgeted(key, governance);
    }

    /** True when the key has credits or a token or session budget of its own, or governance budgets are in force. */
    private boolean budgeted(KeyRecord key, GovernanceConfig governance) {
        return key.tokenBudget() != null
                || key.sessionBudget() != null
                || (governance.enabled() && governance.policy().any())
                || credits.hasCredits(key);
    }
}
