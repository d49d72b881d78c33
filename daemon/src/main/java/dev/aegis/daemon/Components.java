package dev.aegis.daemon;

import dev.aegis.config.AegisConfig;
import dev.aegis.control.ControlHandlers;
import dev.aegis.http.GatewayServer;
import dev.aegis.http.HomePage;
import dev.aegis.http.InFlightRequests;
import dev.aegis.proxy.ProxyHandler;
import dev.aegis.proxy.UpstreamClient;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import java.util.concurrent.atomic.AtomicReference;

/** The composition root: builds every component of a daemon once and wires the routes. */
final class Components implements AutoCloseable {

    final AtomicReference<AegisConfig> config;
    final InFlightRequests inFlight = new InFlightRequests();
    final UpstreamClient upstream;
    final ProxyHandler proxy;

    Components(AegisConfig initial) {
        this.config = new AtomicReference<>(initial);
        this.upstream = new UpstreamClient(initial.timeouts());
        this.proxy = new ProxyHandler(config::get, upstream, inFlight);
    }

    /** Registers every route. */
    void routes(Javalin app, ControlHandlers control) {
        control.register(app);
        app.get("/", HomePage::handle);
        for (HandlerType method : GatewayServer.PROXIED_METHODS) {
            app.addHttpHandler(method, "/v1/*", ctx -> proxy.handle(ctx, ctx.path().substring("/v1".length())));
            app.addHttpHandler(method, "/api/proxy/openai", ctx -> proxy.handle(ctx, "/chat/completions"));
            app.addHttpHandler(method, "/api/proxy/openai/*",
                    ctx -> proxy.handle(ctx, ctx.path().substring("/api/proxy/openai".length())));
        }
    }

    @Override
    public void close() {
        upstream.close();
    }
}
