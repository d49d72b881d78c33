package dev.aegis.ui;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;

/**
 * Dashboard sessions: an HttpOnly, SameSite=Strict cookie holding a random id, and per session a
 * CSRF token the page sends back on every request that changes state. Kept in memory: a daemon
 * restart logs the browser out (run {@code aegis dashboard} again).
 */
final class UiSessions {

    static final String COOKIE = "aegis_ui_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final Duration IDLE = Duration.ofHours(12);

    /** One logged-in browser. */
    record Session(String id, String csrf, Viewer viewer) {}

    /** Sessions one viewer may have open at once (browsers, tabs logged in anew): opening more closes its oldest. */
    static final int PER_VIEWER = 16;

    private final Cache<String, Session> sessions = Caffeine.newBuilder().expireAfterAccess(IDLE).maximumSize(10_000).build();
    private final ViewerQuota quota = new ViewerQuota(PER_VIEWER);

    /** Opens a session for the viewer and sets its cookie on the answer. */
    Session open(Context ctx, Viewer viewer) {
        Session s = new Session(LoginLinks.randomToken(), LoginLinks.randomToken(), viewer);
        sessions.put(s.id(), s);
        String pushedOut = quota.add(viewer, s.id());
        if (pushedOut != null) {
            sessions.invalidate(pushedOut);
        }
        ctx.header("Set-Cookie", COOKIE + "=" + s.id() + "; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=" + IDLE.toSeconds());
        return s;
    }

    /** The session of the request's cookie, if any. */
    Optional<Session> find(Context ctx) {
        String id = ctx.cookie(COOKIE);
        return id == null || id.length() > 100 ? Optional.empty() : Optional.ofNullable(sessions.getIfPresent(id));
    }

    /** Ends the request's session and clears its cookie. */
    void close(Context ctx) {
        find(ctx).ifPresent(s -> {
            sessions.invalidate(s.id());
            quota.remove(s.viewer(), s.id());
        });
        ctx.header("Set-Cookie", COOKIE + "=; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0");
    }

    /** True when the request carries the session's CSRF token (compared in constant time). */
    static boolean carriesCsrf(Context ctx, Session s) {
        String given = ctx.header(CSRF_HEADER);
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), s.csrf().getBytes(StandardCharsets.UTF_8));
    }
}
