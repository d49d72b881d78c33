package dev.aegis.keys;

import java.math.BigDecimal;

/**
 * What one session of a key may spend ({@code aegis keygen --session-tokens / --session-budget}); a
 * hard stop. Either part may be null (no limit of that kind).
 *
 * @param tokens input + output tokens per session
 * @param usd cost per session
 */
public record SessionBudget(Long tokens, BigDecimal usd) {

    /** Null when neither part is set: a key without a session budget has none. */
    public static SessionBudget of(Long tokens, BigDecimal usd) {
        return tokens == null && usd == null ? null : new SessionBudget(tokens, usd);
    }
}
