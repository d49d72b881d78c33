package dev.aegis.control;

import dev.aegis.http.ApiException;
import dev.aegis.http.InFlightRequests;
import dev.aegis.json.Json;
import dev.aegis.records.CallRecorder;
import dev.aegis.reload.ReloadCounts;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/** Health, status and the control-token-guarded shutdown route. */
public final class ControlHandlers {

    private final DaemonState state;
    private final InFlightRequests inFlight;
    private final Consumer<Duration> shutdown;
    private final ReloadCounts reloads;
    private CallRecorder recorder;

    /**
     * @param shutdown starts a graceful stop with the given drain timeout; must return at once
     */
    public ControlHandlers(
            DaemonState state, InFlightRequests inFlight, ReloadCounts reloads, Consumer<Duration> shutdown) {
        this.state = state;
        this.reloads = reloads;
        this.inFlight = inFlight;
        this.shutdown = shutdown;
    }

    public void register(RoutesConfig app) {
        app.get(ControlRoutes.HEALTH, this::health);
        app.get(ControlRoutes.HEALTH_ALT, this::health);
        app.get(ControlRoutes.HEALTH_V1, this::health);
        app.get(ControlRoutes.STATUS, this::health);
        app.post(ControlRoutes.SHUTDOWN, this::shutdown);
        app.post(ControlRoutes.FLUSH, this::flush);
    }

    /** Lets the flush route wait for the records of calls already answered. */
    public void recorder(CallRecorder recorder) {
        this.recorder = recorder;
    }

    private void requireToken(Context ctx) {
        if (!carriesToken(ctx, state.controlToken())) {
            throw new ApiException(403, "forbidden", "the control token is missing or wrong");
        }
    }

    /** True when the request carries the daemon's control token (compared in constant time). */
    public static boolean carriesToken(Context ctx, String controlToken) {
        String given = ctx.header(ControlRoutes.CONTROL_TOKEN_HEADER);
        return given != null && MessageDigest.isEqual(
                given.getBytes(StandardCharsets.UTF_8), controlToken.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers once every usage row and receipt of calls answered so far is written. */
    private void flush(Context ctx) throws InterruptedException {
        requireToken(ctx);
        boolean done = recorder == null || recorder.flush(Duration.ofSeconds(10));
        ctx.status(done ? 200 : 503).contentType("application/json").result("{\"flushed\":" + done + "}");
    }

    /** The token that authorises control routes (and the operator's live events). */
    public String controlToken() {
        return state.controlToken();
    }

    public HealthPayload payload() {
        long uptime = Duration.between(state.startedAt(), Instant.now()).toSeconds();
        return new HealthPayload(inFlight.isDraining() ? "draining" : "ok", state.version(), state.pid(),
                state.startedAt(), uptime, inFlight.served(), inFlight.active(), state.instance(), reloads.appliedCount(),
                reloads.refusedCount(), recorder != null && recorder.failing(), recorder == null ? 0 : recorder.backlog());
    }

    private void health(Context ctx) {
        ctx.contentType("application/json").result(Json.write(payload()));
    }

    private void shutdown(Context ctx) {
        requireToken(ctx);
        Duration timeout = Duration.ofSeconds(30);
        String ms = ctx.queryParam("timeout_ms");
        if (ms != null) {
            try {
                timeout = Duration.ofMillis(Math.max(0, Long.parseLong(ms)));
            } catch (NumberFormatException e) {
                throw ApiException.invalidRequest("timeout_ms must be a whole number of milliseconds");
            }
        }
        // The whole answer goes out before the stop begins: a stop that closed the server while
        // the 202 was still being written would leave the caller with a reset instead.
        byte[] body = "{\"status\":\"stopping\"}".getBytes(StandardCharsets.UTF_8);
        HttpServletResponse res = ctx.res();
        res.setStatus(202);
        res.setContentType("application/json");
        res.setContentLength(body.length);
        try {
            res.getOutputStream().write(body);
            res.getOutputStream().close();
        } catch (IOException e) {
            // the caller went away; stop all the same
        }
        shutdown.accept(timeout);
    }
}
