package dev.aegis.store;

/** The key's balance, less what calls in flight hold, is at or below zero. */
public final class InsufficientCreditsException extends RuntimeException {
    public InsufficientCreditsException(String keyId) {
        super("the credit balance of key " + keyId + " is used up (aegis credits add " + keyId + " USD)", null, false, false);
    }
}
