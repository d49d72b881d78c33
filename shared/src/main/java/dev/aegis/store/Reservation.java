package dev.aegis.store;

/**
 * Credits held for one call in flight.
 *
 * @param availableNanos what the key has left after this reservation (balance minus every reservation)
 */
public record Reservation(String id, String keyId, long amountNanos, long availableNanos) {}
