package dev.aegis.store;

import java.math.BigDecimal;
import java.util.Optional;

/** Credit balances per key. */
public interface CreditLedger {

    /** Adds (or with a negative amount, removes) credits, opening the account if needed; the new balance. */
    CreditBalance add(String keyId, BigDecimal usd);

    /** The balance, or empty when the key has no credit account (no limit). */
    Optional<CreditBalance> balance(String keyId);
}
