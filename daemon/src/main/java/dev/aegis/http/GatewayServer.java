package dev.aegis.http;

import dev.aegis.config.ServerConfig;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.RoutesConfig;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.util.function.Consumer;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.ServerConnector;
import dev.aegis.front.Front;
import dev.aegis.front.FrontRoutes;

/**
 * The Javalin server: virtual threads, no compression (it would buffer streams), no Javalin body
 * limit (the proxy enforces {@code server.max_body} itself), JSON errors for everything (Jetty's own
 * refusals too: {@link BadMessageErrors}), the browser headers and the Host check on every request
 * ({@link BrowserGuard}).
 *
 * <p>It starts listening before the daemon's components exist, so that Jetty's start and the
 * opening of the store run side by side; calls that arrive before {@link #open} wait for the
 * routes instead of finding none ({@link RoutesGate}). Javalin 7 wants routes declared before the
 * start: the server's own handlers are, and the daemon's routes go in afterwards through Javalin's
 * {@code unsafe} state, behind the gate (docs/adr/0006-javalin-7-jetty-12.md).
 */
public final class GatewayServer {

    /** Large enough for the ~1 KB JSON headers Codex sends, with room to spare. */
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    /**
     * Connections the kernel may hold before the daemon accepts them. The JDK's default, 50, made
     * hundreds of 2,000 agents connecting at once see resets (docs/BENCHMARKS.md); the kernel caps
     * this at {@code net.core.somaxconn}.
     */
    static final int ACCEPT_QUEUE = 4096;

    /**
     * The buffer a response copies its small writes into until it ends (Jetty copies writes up to a
     * quarter of this and writes anything larger straight through); also the response head's buffer.
     * Streams do not use it ({@link GatheredOutput}): an open stream would hold it for minutes.
     */
    private static final int OUTPUT_BUFFER = 4 * 1024;

    /**
     * The buffer each connection reads its requests into, kept by Jetty while the call runs (one per
     * open stream): 4 KB, the smallest its pool hands out, instead of 8 KB (2,000 open streams held
     * 16 MB of them). A request's head and body may span several of these reads.
     */
    private static final int INPUT_BUFFER = 4 * 1024;

    private final Javalin app;
    private final RoutesGate gate = new RoutesGate();
    /** Aegis's own front for the model-call routes; null when {@code server.front} is off. */
    private final Front front;

    private GatewayServer(ServerConfig settings, CallsAtWork atWork) {
        BodyBudget budget = new BodyBudget(settings);
        this.front = settings.front() ? new Front(settings, budget, atWork) : null;
        this.app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.jetty.threadPool = new CallThreads();
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.startup.startupWatcherEnabled = false;
            config.http.compressionStrategy = CompressionStrategy.NONE;
            config.http.maxRequestSize = Long.MAX_VALUE;
            config.jetty.addConnector((server, http) -> {
                ServerConnector connector = new FrontConnector(server,
                        new HeadDeadline(http, settings.readTimeout(), settings.busyPoll(), atWork), front,
                        ConnectionCap.of(settings));
                connector.setHost(settings.host());
                connector.setPort(settings.port());
                connector.setAcceptQueueSize(ACCEPT_QUEUE);
                // A connection silent this long (mid-head, or idle between calls) is closed.
                connector.setIdleTimeout(settings.readTimeout().toMillis());
                return connector;
            });
            config.jetty.modifyServer(jetty -> jetty.setErrorHandler(new BadMessageErrors()));
            config.jetty.modifyServletContextHandler(handler -> {
                // First, so that whatever answers below it, what it left of the body is read away after.
                handler.addFilter(new FilterHolder(new UnreadBodies(settings.readTimeout())), "/*", EnumSet.of(DispatcherType.REQUEST));
                handler.addFilter(new FilterHolder(gate), "/*", EnumSet.of(DispatcherType.REQUEST));
                // In this order: the Host check and the browser headers come before anything answers.
                handler.addFilter(new FilterHolder(new BrowserGuard(settings)), "/*", EnumSet.of(DispatcherType.REQUEST));
                handler.addFilter(new FilterHolder(new WebSocketRefusal()), "/*", EnumSet.of(DispatcherType.REQUEST));
                handler.addFilter(new FilterHolder(budget), "/*", EnumSet.of(DispatcherType.REQUEST));
            });
            config.jetty.modifyHttpConfiguration(http -> {
                http.setRequestHeaderSize(MAX_HEADER_BYTES);
                // 4 KB instead of Jetty's 32 KB and 8 KB (see OUTPUT_BUFFER and INPUT_BUFFER).
                http.setOutputBufferSize(OUTPUT_BUFFER);
                http.setInputBufferSize(INPUT_BUFFER);
                http.setSendServerVersion(false);
                http.setSendDateHeader(false);
                // Javalin 7's LEGACY, plus paths that are not UTF-8 once decoded: Aegis refuses those
                // itself, in its own words (CanonicalPath), as it did on Jetty 11.
                http.setUriCompliance(UriCompliance.LEGACY.with("AEGIS", UriCompliance.Violation.BAD_UTF8_ENCODING));
            });
            RoutesConfig routes = config.routes;
            routes.before(RequestTimeline::start);
            routes.before(RequestIds::assign);
            routes.exception(Exception.class, (e, ctx) ->
                    ErrorRenderer.render(ctx, FailureAnswers.of(e, ctx.method().name(), ctx.path(), RequestIds.of(ctx))));
            // Javalin's own 404/405 pages are text; answers already decided (relayed or errors) stay as they are.
            routes.error(HttpStatus.NOT_FOUND, ctx -> {
                if (!Answered.is(ctx)) {
                    ErrorRenderer.render(ctx, 404, "not_found", "no route for " + ctx.method() + " " + ctx.path());
                }
            });
            routes.error(HttpStatus.METHOD_NOT_ALLOWED, ctx -> {
                if (!Answered.is(ctx)) {
                    ErrorRenderer.render(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path());
                }
            });
            routes.after(RequestTimeline::stamp);
        });
    }

    /**
     * Binds and starts serving; calls wait until {@link #open} has registered the routes.
     *
     * @param atWork counts the connections at work (the upstream client's head wait reads it too)
     */
    public static GatewayServer listen(ServerConfig config, CallsAtWork atWork) {
        GatewayServer server = new GatewayServer(config, atWork);
        server.app.start();
        return server;
    }

    /**
     * Registers the routes and lets the calls that were waiting for them through; from now on the
     * front (when on) serves {@code frontRoutes} on the connections it accepts.
     */
    public void open(Consumer<RoutesConfig> routes, FrontRoutes frontRoutes) {
        routes.accept(app.unsafe.routes);
        headAsGet();
        gate.open();
        if (front != null) {
            front.open(frontRoutes);
        }
    }

    /**
     * A {@code HEAD} runs its path's {@code GET} handler (a key checked, a call proxied), whose body
     * Jetty leaves out: Javalin on its own answers 200 to a {@code HEAD} of any path a {@code GET}
     * route matches, without running it.
     */
    private void headAsGet() {
        app.unsafe.internalRouter.allHttpHandlers().stream().map(parsed -> parsed.endpoint)
                .filter(e -> e.method == HandlerType.GET).toList()
                .forEach(e -> app.unsafe.routes.addHttpHandler(HandlerType.HEAD, e.path, e.handler));
    }

    /** Requests waiting for {@link #open} now (for tests). */
    int waitingForRoutes() {
        return gate.waiting();
    }

    public static final HandlerType[] PROXIED_METHODS = {
        HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE
    };

    /** Aegis's own front; null when {@code server.front} is off. */
    public Front front() {
        return front;
    }

    /** The port actually bound (useful when configured as 0). */
    public int port() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    /** Stops serving; calls still waiting for routes that never came get 503 {@code shutting_down}. */
    public void stop() {
        gate.closeWithoutRoutes();
        try {
            gate.awaitAnswered(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (front != null) {
            front.stop();
        }
        app.stop();
    }
}
