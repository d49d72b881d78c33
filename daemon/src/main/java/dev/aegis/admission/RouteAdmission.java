package dev.aegis.admission;

import dev.aegis.auth.Authenticator;
import dev.aegis.config.AegisConfig;
import dev.aegis.keys.KeyRecord;
import io.javalin.http.Context;
import java.util.function.Supplier;

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

    /** The caller's key; 401 without a valid one, 429 when a {@code scope: all} rule is spent. */
    public KeyRecord admit(Context ctx) {
        KeyRecord key = authenticator.authenticate(ctx);
        limits.admitRoute(key, config.get().governance(), ctx::header);
        return key;
    }
}
