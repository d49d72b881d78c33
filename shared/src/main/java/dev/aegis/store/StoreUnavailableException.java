package dev.aegis.store;

/**
 * The database cannot be reached (a shared PostgreSQL down, restarting or out of connections):
 * calls that need it are refused with 503 {@code store_unavailable}, records wait in memory.
 */
public final class StoreUnavailableException extends StoreException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
