package dev.aegis.admission;

import dev.aegis.auth.Authenticator;
import dev.aegis.config.AegisConfig;
import dev.aegis.http.ResponseHeaders;
import dev.aegis.keys.KeyRecord;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The caller of one of the daemon's own key routes (usage and costs, the model list, MCP), admitted:
 * its key checked, and the configured {@code scope: all} request rules counted, the same counters a
 * model call counts (SPEC §5: "all routes"). Model calls are admitted by {@link Admission} instead.
 */
public final class RouteAdmission {

    private final Authenticator authenticator;
    private final RateLimitGuard limits;
    private final Supplier<AegisConfig> config;

    public RouteAdmission(Authenticator authenticator, RateLimitGuard limits, Supplier<AegisConfig> config) {
        this.authenticator = authenticator;
        this.limits = limits;
        this.config = config;
    }

    /**
     * The caller's key; 401 without a valid one, 429 when a {@code scope: all} rule is spent (server
     * neutral, like the rest of admission: a route passes {@code ctx::header} for both).
     *
     * @param header a request header's first value by name, or null
     * @param res where the {@code X-RateLimit-*} headers go
     */
    public KeyRecord admit(UnaryOperator<String> header, ResponseHeaders res) {
        KeyRecord key = authenticator.authenticate(header);
        limits.admitRoute(key, config.get().governance(), res);
        return key;
    }
}
