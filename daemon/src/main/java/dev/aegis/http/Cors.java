package dev.aegis.http;

import dev.aegis.config.AegisConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Supplier;

/**
 * CORS for browser clients: origins from {@code server.cors.allowed_origins}, or {@code mirror} to
 * echo any origin. Preflight {@code OPTIONS} is answered here (204, or 403 for an origin not
 * allowed); every other answer to an allowed origin carries the CORS headers.
 */
public final class Cors {

    private static final String EXPOSED = "X-Request-Id, X-Aegis-Provider, X-Aegis-Model, X-Aegis-Overhead-Ms, "
            + "X-Aegis-Credits-Remaining, X-Aegis-Budget-Warning, X-Cost-USD, X-RateLimit-Limit, X-RateLimit-Remaining, "
            + "X-RateLimit-Reset-Ms, Retry-After";

    private final Supplier<AegisConfig> config;

    public Cors(Supplier<AegisConfig> config) {
        this.config = config;
    }

    private boolean allowed(String origin) {
        List<String> origins = config.get().server().corsOrigins();
        return origin != null && (origins.contains("mirror") || origins.contains(origin));
    }

    /** A before-handler: CORS headers for allowed origins. */
    public void headers(Context ctx) {
        String origin = ctx.header("Origin");
        if (allowed(origin)) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Vary", "Origin");
            ctx.header("Access-Control-Expose-Headers", EXPOSED);
        }
    }

    /** {@code OPTIONS *}: the preflight. */
    public void preflight(Context ctx) {
        String origin = ctx.header("Origin");
        if (!allowed(origin)) {
            ErrorRenderer.render(ctx, 403, "cors_origin_denied",
                    "origin not allowed; add it to server.cors.allowed_origins (or use mirror)");
            return;
        }
        String requested = ctx.header("Access-Control-Request-Headers");
        ctx.header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
        ctx.header("Access-Control-Allow-Headers", requested != null ? requested
                : "Authorization, Content-Type, x-api-key, anthropic-version, anthropic-beta");
        ctx.header("Access-Control-Max-Age", "600");
        ctx.status(204);
    }
}
