package dev.aegis.http;

import dev.aegis.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client is told when serving its request failed, whichever server carried it: a refusal
 * as it is, the store being down as 503 {@code store_unavailable} (logged as a warning), anything
 * else as 500 {@code internal_error} (logged with its stack; the client sees no detail).
 */
public final class FailureAnswers {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

    private FailureAnswers() {}

    public static ApiException of(Exception e, String method, String path, String requestId) {
        if (e instanceof ApiException refusal) {
            return refusal;
        }
        if (e instanceof StoreUnavailableException) {
            LOG.warn("{} {} (request {}): {}", method, path, requestId, e.getMessage());
            return ApiException.storeUnavailable();
        }
        LOG.error("unexpected failure on {} {} (request {})", method, path, requestId, e);
        return new ApiException(500, "internal_error", "Aegis failed to handle this request; see the daemon log");
    }
}
