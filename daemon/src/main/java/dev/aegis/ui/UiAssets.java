package dev.aegis.ui;

import dev.aegis.http.ApiException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The dashboard's page and its static files, bundled in the jar under {@code dev/aegis/ui/assets/}:
 * no CDN, no inline script or style, so the page runs under {@code Content-Security-Policy:
 * default-src 'self'}. Only the files listed here are served.
 */
final class UiAssets {

    private static final String DIR = "/dev/aegis/ui/assets/";

    /** Scripts, styles, data and live events only from this origin; no inline code, no framing. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** File name to content type. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "chart.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8");

    /** Read once: the files are small and never change while the daemon runs. */
    private static final Map<String, byte[]> CONTENT = load();

    private UiAssets() {}

    static void register(RoutesConfig app) {
        app.get("/ui", ctx -> serve(ctx, "index.html"));
        app.get("/ui/", ctx -> serve(ctx, "index.html"));
        app.get("/ui/assets/{name}", ctx -> serve(ctx, ctx.pathParam("name")));
    }

    private static void serve(Context ctx, String name) {
        byte[] bytes = CONTENT.get(name);
        if (bytes == null) {
            throw ApiException.notFound("no dashboard file '" + name + "'");
        }
        ctx.contentType(FILES.get(name))
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", CSP)
                .header("Referrer-Policy", "no-referrer")
                .result(bytes);
    }

    private static Map<String, byte[]> load() {
        Map<String, byte[]> out = new java.util.HashMap<>();
        for (String name : FILES.keySet()) {
            try (InputStream in = UiAssets.class.getResourceAsStream(DIR + name)) {
                if (in == null) {
                    throw new IllegalStateException("the dashboard file " + name + " is missing from the jar");
                }
                out.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Map.copyOf(out);
    }
}
