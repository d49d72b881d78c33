package dev.aegis.store;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/** Credit balances per key. */
public interface CreditLedger {

    /** Adds (or with a negative amount, removes) credits, opening the account if needed; the new balance. */
    CreditBalance add(String keyId, BigDecimal usd);

    /** The balance, or empty when the key has no credit account (no limit). */
    Optional<CreditBalance> balance(String keyId);

    /**
     * Holds an estimated cost for a call, in one transaction with the balance check: empty when the
     * key has no credit account; {@link InsufficientCreditsException} when nothing is left.
     */
    Optional<Reservation> reserve(String keyId, long estimateNanos);

    /**
     * Lowers a reservation to {@code amountNanos} (a call whose output was capped to what the key had left
     * holds, and without usage is charged, what it can cost now); the reservation as it is after.
     */
    Reservation shrink(Reservation reservation, long amountNanos);

    /** Charges the real cost and drops the reservation, in one transaction; the key's new balance. */
    long settle(Reservation reservation, long costNanos);

    /** Drops every reservation (a daemon starting after a crash); how many there were. */
    int releaseAll();

    /**
     * Renews the lease of every reservation this ledger's holder keeps (its calls in flight), so no
     * other daemon takes them for a dead daemon's; how many it renewed (none when it holds none).
     */
    int renew();

    /**
     * Releases the reservations of other holders not renewed for {@code unrenewedFor}: holds a daemon
     * left when it died and will not start again as the same holder (another machine, a new container);
     * how many.
     */
    int releaseAbandoned(Duration unrenewedFor);

    /** Forgets the settlements too old to be written again (kept against a charge written twice); how many. */
    default int pruneSettlements() {
        return 0;
    }
}
