package dev.aegis.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.auth.Authenticator;
import dev.aegis.auth.KeyCache;
import dev.aegis.config.AuditConfig;
import dev.aegis.config.Units;
import dev.aegis.control.ControlHandlers;
import dev.aegis.events.EventBus;
import dev.aegis.events.EventsRoute;
import dev.aegis.http.ApiException;
import dev.aegis.http.InFlightRequests;
import dev.aegis.json.Json;
import dev.aegis.json.JsonMoney;
import dev.aegis.store.CreditLedger;
import dev.aegis.store.KeyStore;
import dev.aegis.store.UsageFilter;
import dev.aegis.store.UsageGroup;
import dev.aegis.store.UsageSeries;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * The web dashboard at {@code /ui}: the page and its assets, the login exchange, JSON data routes
 * under {@code /ui/api/}, live calls as server-sent events, and the two admin actions (revoke a key,
 * add credits), which need the session's CSRF token. docs/DASHBOARD.md describes it.
 */
public final class DashboardRoutes {

    /** Hourly buckets and charts by run are read from the raw rows: at most this range. */
    static final Duration MAX_HOURLY = Duration.ofDays(7);

    private final LoginLinks links = new LoginLinks();
    private final UiSessions sessions = new UiSessions();
    private final DashboardData data;
    private final ReceiptsStatus receipts;
    private final Authenticator authenticator;
    private final KeyCache keyCache;
    private final KeyStore keys;
    private final CreditLedger credits;
    private final EventBus events;
    private final InFlightRequests lifecycle;
    private final String controlToken;
    private final InstantSource clock;

    public DashboardRoutes(DashboardData.Sources sources, AuditConfig audit, Authenticator authenticator, KeyCache keyCache,
            EventBus events, InFlightRequests lifecycle, String controlToken, InstantSource clock) {
        this.data = new DashboardData(sources, clock);
        this.receipts = new ReceiptsStatus(audit.receipts(), audit.dir(), sources.verifications());
        this.authenticator = authenticator;
        this.keyCache = keyCache;
        this.keys = sources.keys();
        this.credits = sources.credits();
        this.events = events;
        this.lifecycle = lifecycle;
        this.controlToken = controlToken;
        this.clock = clock;
    }

    public void register(RoutesConfig app) {
        UiAssets.register(app);
        app.post("/ui/login-link", this::loginLink);
        app.post("/ui/api/session", this::openSession);
        app.post("/ui/api/logout", this::logout);
        app.get("/ui/api/me", this::me);
        app.get("/ui/api/summary", ctx -> json(ctx, data.summary(filter(ctx, viewer(ctx)))));
        app.get("/ui/api/series", this::series);
        app.get("/ui/api/credits", ctx -> json(ctx, data.credits(viewer(ctx).onlyKey())));
        app.get("/ui/api/limits", ctx -> json(ctx, data.limits(viewer(ctx).onlyKey())));
        app.get("/ui/api/secrets", ctx -> json(ctx, data.secrets(filter(ctx, viewer(ctx)))));
        app.get("/ui/api/receipts", this::receipts);
        app.get("/ui/api/events", this::events);
        app.post("/ui/api/keys/{id}/revoke", this::revoke);
        app.post("/ui/api/keys/{id}/credits", this::addCredits);
    }

    /**
     * {@code POST /ui/login-link}: a one-time link. With the control token (the CLI) the link is the
     * operator's, or a key's with {@code ?key=ID}; with an Aegis key, that key's.
     */
    private void loginLink(Context ctx) {
        Viewer viewer;
        if (ControlHandlers.carriesToken(ctx, controlToken)) {
            String keyId = ctx.queryParam("key");
            viewer = keyId == null ? Viewer.OPERATOR : keys.find(keyId).filter(k -> k.active(clock.instant()))
                    .map(Viewer::of).orElseThrow(() -> ApiException.notFound("no active key '" + keyId + "'"));
        } else {
            // The key itself: a session (12 idle hours) minted from a 15-minute token would outlive it.
            viewer = Viewer.of(authenticator.authenticateKey(ctx::header));
        }
        String token = links.mint(viewer);
        ObjectNode body = Json.mapper().createObjectNode()
                .put("url", baseUrl(ctx) + "/ui/#login=" + token)
                .put("expires_in_seconds", LoginLinks.TTL.toSeconds());
        json(ctx, body);
    }

    /** {@code POST /ui/api/session {"token": ...}}: redeems a login token for the session cookie. */
    private void openSession(Context ctx) {
        sameOrigin(ctx);
        JsonNode body = body(ctx);
        // A link outlives its key's revocation by up to its TTL: its key must still be active, as a session's.
        Viewer viewer = links.redeem(body.path("token").asText(null)).filter(this::active)
                .orElseThrow(() -> new ApiException(401, "invalid_login_link",
                        "this login link is unknown, used or expired, or its key is no longer active: "
                                + "run 'aegis dashboard' for a new one"));
        UiSessions.Session s = sessions.open(ctx, viewer);
        json(ctx, me(s));
    }

    private void logout(Context ctx) {
        sameOrigin(ctx);
        session(ctx);
        sessions.close(ctx);
        ctx.status(204);
    }

    private void me(Context ctx) {
        json(ctx, me(session(ctx)));
    }

    private static ObjectNode me(UiSessions.Session s) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.putObject("viewer").put("key_id", s.viewer().keyId()).put("name", s.viewer().name()).put("admin", s.viewer().admin());
        n.put("csrf", s.csrf());
        return n;
    }

    private void series(Context ctx) {
        Viewer viewer = viewer(ctx);
        UsageFilter filter = filter(ctx, viewer);
        UsageSeries.Bucket bucket = switch (Objects.requireNonNullElse(ctx.queryParam("bucket"), "day")) {
            case "day" -> UsageSeries.Bucket.DAY;
            case "hour" -> UsageSeries.Bucket.HOUR;
            default -> throw ApiException.invalidRequest("bucket must be hour or day");
        };
        UsageGroup by = UsageGroup.parse(Objects.requireNonNullElse(ctx.queryParam("by"), "model"))
                .filter(g -> (g.rolledUp() || fromRawRows(g)) && g != UsageGroup.DAY)
                .orElseThrow(() -> ApiException.invalidRequest("by must be one of model, key, provider, tenant, run, session"));
        if (bucket == UsageSeries.Bucket.HOUR && !withinRawRange(filter)) {
            throw ApiException.invalidRequest("hourly buckets cover at most " + MAX_HOURLY.toDays() + " days: use bucket=day");
        }
        if (fromRawRows(by) && !withinRawRange(filter)) {
            throw ApiException.invalidRequest("a chart by " + by.label() + " covers at most " + MAX_HOURLY.toDays()
                    + " days (" + by.label() + "s are read from the raw rows): use since=7d or less");
        }
        json(ctx, data.series(filter, bucket, by));
    }

    /** Runs and coding-agent sessions are not in the daily rollup: a chart by them reads the raw rows. */
    private static boolean fromRawRows(UsageGroup by) {
        return by == UsageGroup.RUN || by == UsageGroup.SESSION;
    }

    /** Whether a period is short enough to be read from the raw rows: at most {@link #MAX_HOURLY}. */
    private boolean withinRawRange(UsageFilter filter) {
        long until = filter.untilMillis() == null ? clock.millis() : filter.untilMillis();
        // a minute of slack: "7d" was read a moment before this clock
        return filter.sinceMillis() != null && until - filter.sinceMillis() <= MAX_HOURLY.plusMinutes(1).toMillis();
    }

    /** Receipts cover every key's calls: admins only. */
    private void receipts(Context ctx) {
        if (!viewer(ctx).admin()) {
            throw new ApiException(403, "forbidden", "the receipts status is for admins");
        }
        json(ctx, receipts.status());
    }

    private void events(Context ctx) throws InterruptedException {
        String only = viewer(ctx).onlyKey();
        EventsRoute.stream(ctx, events.subscribe(row -> only == null || only.equals(row.keyId())), lifecycle,
                () -> stillSignedIn(ctx));
    }

    /** Whether the request's session is still open and its key still active (without touching the answer, already begun). */
    private boolean stillSignedIn(Context ctx) {
        return sessions.find(ctx).filter(s -> active(s.viewer())).isPresent();
    }

    /** Whether a viewer may still see the dashboard: the operator, or a key neither revoked nor expired. */
    private boolean active(Viewer v) {
        return v.keyId() == null || keyCache.find(v.keyId()).filter(k -> k.active(clock.instant())).isPresent();
    }

    private void revoke(Context ctx) {
        String id = adminAction(ctx);
        if (!keys.revoke(id)) {
            throw ApiException.notFound("no key '" + id + "'");
        }
        keyCache.invalidateAll();
        json(ctx, Json.mapper().createObjectNode().put("key_id", id).put("revoked", true));
    }

    private void addCredits(Context ctx) {
        String id = adminAction(ctx);
        BigDecimal usd;
        try {
            usd = new BigDecimal(body(ctx).path("usd").asText(""));
        } catch (NumberFormatException e) {
            throw ApiException.invalidRequest("usd must be a decimal number of dollars");
        }
        if (usd.signum() <= 0 || usd.scale() > 9 || usd.compareTo(new BigDecimal("1000000")) > 0) {
            throw ApiException.invalidRequest("usd must be more than 0 and at most 1000000, with at most 9 decimals");
        }
        keys.find(id).orElseThrow(() -> ApiException.notFound("no key '" + id + "'"));
        var balance = credits.add(id, usd);
        json(ctx, JsonMoney.put(Json.mapper().createObjectNode().put("key_id", id), "balance_usd", balance.balanceUsd()));
    }

    /** An action that changes state: same origin, the session's CSRF token, an admin viewer; the key id. */
    private String adminAction(Context ctx) {
        sameOrigin(ctx);
        UiSessions.Session s = session(ctx);
        if (!UiSessions.carriesCsrf(ctx, s)) {
            throw new ApiException(403, "csrf_token_invalid", "the X-CSRF-Token header is missing or wrong: reload the dashboard");
        }
        if (!s.viewer().admin()) {
            throw new ApiException(403, "forbidden", "only an admin may change keys or credits");
        }
        return ctx.pathParam("id");
    }

    /** A browser's request from another origin is refused (SameSite already keeps the cookie off it). */
    private static void sameOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && !origin.equals(baseUrl(ctx))) {
            throw new ApiException(403, "cross_origin", "the dashboard answers only its own pages");
        }
    }

    private UiSessions.Session session(Context ctx) {
        UiSessions.Session s = sessions.find(ctx).orElseThrow(() -> new ApiException(401, "not_logged_in",
                "not logged in to the dashboard: run 'aegis dashboard' for a login link"));
        if (!active(s.viewer())) {
            sessions.close(ctx);
            throw new ApiException(401, "not_logged_in", "the key of this session was revoked or expired");
        }
        return s;
    }

    private Viewer viewer(Context ctx) {
        return session(ctx).viewer();
    }

    /** The period of {@code since} and {@code until} (as {@code aegis usage} reads them; since defaults to 30d), for the viewer. */
    private UsageFilter filter(Context ctx, Viewer viewer) {
        Instant now = clock.instant();
        try {
            String since = Objects.requireNonNullElse(ctx.queryParam("since"), "30d");
            String until = ctx.queryParam("until");
            return new UsageFilter(since.equals("all") ? null : Units.instant(since, now, false).toEpochMilli(),
                    until == null || until.isEmpty() ? null : Units.instant(until, now, true).toEpochMilli(),
                    viewer.onlyKey(), null, null, null);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidRequest(e.getMessage());
        }
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode n = Json.mapper().readTree(ctx.body());
            if (n == null || !n.isObject()) {
                throw ApiException.invalidRequest("the body must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw ApiException.invalidRequest("the body must be a JSON object");
        }
    }

    /** The origin the client used to reach the daemon (its Host header, when it is a plain host:port). */
    static String baseUrl(Context ctx) {
        String host = ctx.host();
        return "http://" + (host == null || !host.matches("[A-Za-z0-9.\\-:\\[\\]]+") ? "127.0.0.1" : host);
    }

    private static void json(Context ctx, JsonNode body) {
        ctx.contentType("application/json").result(body.toString());
    }
}
