package dev.aegis.events;

import dev.aegis.auth.Authenticator;
import dev.aegis.control.ControlHandlers;
import dev.aegis.http.Answered;
import dev.aegis.http.GatheredOutput;
import dev.aegis.http.InFlightRequests;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /aegis/v1/events}: server-sent events, one per finished or refused call. For admin
 * keys, and for the CLI with the daemon's control token (whoever can read {@code daemon.json}).
 */
public final class EventsRoute {

    private static final long HEARTBEAT_MS = 15_000;

    private final EventBus bus;
    private final Authenticator authenticator;
    private final String controlToken;
    private final InFlightRequests lifecycle;

    public EventsRoute(EventBus bus, Authenticator authenticator, String controlToken, InFlightRequests lifecycle) {
        this.bus = bus;
        this.authenticator = authenticator;
        this.controlToken = controlToken;
        this.lifecycle = lifecycle;
    }

    public void handle(Context ctx) throws InterruptedException {
        if (ControlHandlers.carriesToken(ctx, controlToken)) {
            stream(ctx, bus.subscribe(), lifecycle, () -> true);
            return;
        }
        Authenticator.requireAdmin(authenticator.authenticate(ctx));
        stream(ctx, bus.subscribe(), lifecycle, () -> stillAdmin(ctx));
    }

    /** Whether the key (or token) the stream was opened with still authenticates as an admin: not revoked, not expired. */
    private boolean stillAdmin(Context ctx) {
        try {
            Authenticator.requireAdmin(authenticator.authenticate(ctx));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Streams a subscription's events as server-sent events until the reader goes, the daemon drains or
     * {@code allowed} says the viewer may no longer see them (its key revoked or expired, its session closed:
     * asked before each event and each heartbeat, so a revoked viewer gets no event after it); closes it.
     */
    public static void stream(Context ctx, EventBus.Subscription subscription, InFlightRequests lifecycle,
            BooleanSupplier allowed) throws InterruptedException {
        Answered.mark(ctx);
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream");
        try (EventBus.Subscription sub = subscription; OutputStream out = GatheredOutput.of(res)) {
            out.write(": aegis events\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!lifecycle.isDraining()) {
                String event = sub.next(HEARTBEAT_MS);
                if (!allowed.getAsBoolean()) {
                    break;
                }
                String frame = event == null ? ": keep-alive\n\n" : "event: call\ndata: " + event + "\n\n";
                out.write(frame.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // The subscriber went away.
        }
    }
}
