package dev.aegis.daemon;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.aegis.admission.Admission;
import dev.aegis.admission.BudgetGuard;
import dev.aegis.admission.BudgetTracker;
import dev.aegis.admission.CreditGuard;
import dev.aegis.admission.RateLimitGuard;
import dev.aegis.admission.RateLimiter;
import dev.aegis.auth.Authenticator;
import dev.aegis.auth.JwtTokens;
import dev.aegis.auth.KeyCache;
import dev.aegis.auth.TokenRoute;
import dev.aegis.config.AegisConfig;
import dev.aegis.config.AuditConfig;
import dev.aegis.config.PromptLogConfig;
import dev.aegis.promptlog.PromptLogRoute;
import dev.aegis.promptlog.PromptLogWriter;
import dev.aegis.store.PromptLogStore;
import dev.aegis.receipts.ReceiptInput;
import dev.aegis.receipts.ReceiptKeys;
import dev.aegis.receipts.ReceiptLog;
import dev.aegis.records.BackgroundWriter;
import dev.aegis.records.CallRecorder;
import dev.aegis.events.EventBus;
import dev.aegis.events.EventsRoute;
import dev.aegis.home.AegisHome;
import dev.aegis.reload.ReloadCounts;
import dev.aegis.metrics.GatewayMetrics;
import dev.aegis.pricing.PriceTable;
import dev.aegis.pricing.Pricing;
import dev.aegis.routing.ModelsRoute;
import dev.aegis.store.Database;
import dev.aegis.store.UsageStore;
import dev.aegis.records.CallLog;
import dev.aegis.store.SqlCreditLedger;
import dev.aegis.store.UsageGroup;
import dev.aegis.store.UsageQueries;
import java.time.Duration;
import dev.aegis.usage.UsageRoutes;
import dev.aegis.store.SqlKeyStore;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.time.InstantSource;
import org.slf4j.LoggerFactory;
import dev.aegis.control.ControlHandlers;
import dev.aegis.http.Cors;
import dev.aegis.http.GatewayServer;
import dev.aegis.http.HomePage;
import dev.aegis.http.InFlightRequests;
import dev.aegis.proxy.CanonicalPath;
import dev.aegis.proxy.ProxyHandler;
import dev.aegis.proxy.UpstreamClient;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HandlerType;
import java.util.concurrent.atomic.AtomicReference;

/** The composition root: builds every component of a daemon once and wires the routes. */
final class Components implements AutoCloseable {

    final AtomicReference<AegisConfig> config;
    final InFlightRequests inFlight = new InFlightRequests();
    final Database database;
    final KeyCache keys;
    final Authenticator authenticator;
    final TokenRoute tokenRoute;
    final UpstreamClient upstream;
    final Pricing pricing;
    final CallRecorder recorder;
    final ProxyHandler proxy;
    final GatewayMetrics metrics;
    final EventBus events = new EventBus();
    final ReloadCounts reloads = new ReloadCounts();
    final UsageRoutes usageRoutes;
    final PromptLogRoute promptLogRoute;

    /** Opens the database and the JWT secret; on failure nothing stays open. */
    /**
     * @param builtInPrices the release's price table, being read on another thread meanwhile (a cold
     *     JSON parse, 50–200 ms of a start)
     */
    Components(AegisConfig initial, AegisHome home, StartupSteps steps, CompletableFuture<PriceTable> builtInPrices)
            throws IOException {
        this.config = new AtomicReference<>(initial);
        InstantSource clock = InstantSource.system();
        this.database = Database.open(initial.storeUrl(), Database.PageCache.APPENDS);
        steps.done("store");
        try {
            this.keys = new KeyCache(new SqlKeyStore(database, clock), Ticker.systemTicker());
            JwtTokens jwt = JwtTokens.fromFile(home.keysDir().resolve("jwt.secret"), clock);
            this.authenticator = new Authenticator(keys, jwt, clock);
            steps.done("keys");
            this.tokenRoute = new TokenRoute(authenticator, jwt);
            this.pricing = Pricing.from(initial.pricing(), joined(builtInPrices));
            steps.done("prices");
            SqlCreditLedger ledger = new SqlCreditLedger(database, clock);
            int released = ledger.releaseAll();
            if (released > 0) {
                LoggerFactory.getLogger(Components.class).warn(
                        "released {} credit reservations left by a daemon that did not stop cleanly", released);
            }
            PromptLogConfig promptLog = initial.audit().promptLog();
            PromptLogStore promptLogStore = promptLog.enabled() ? new PromptLogStore(database) : null;
            this.recorder = new CallRecorder(new BackgroundWriter<>("usage", CallLog.loggedAfter(new UsageStore(database)::insert)),
                    receipts(initial.audit(), home), promptLogStore == null ? null : new BackgroundWriter<>("prompt-log",
                            new PromptLogWriter(promptLogStore, promptLog, () -> config.get().secrets())::write),
                    promptLog.previewChars(), initial.audit().maxBacklog());
            this.promptLogRoute = new PromptLogRoute(authenticator, promptLogStore);
            steps.done("records");
            this.upstream = new UpstreamClient(initial.timeouts());
            this.metrics = new GatewayMetrics(inFlight,
                    model -> pricing.price(model).isPresent() || initial.models().containsKey(model));
            metrics.monitor(keys.cache(), "aegis.keys");
            steps.done("metrics");
            this.proxy = new ProxyHandler(config::get, upstream, inFlight, authenticator, pricing, recorder,
                    new Admission(new RateLimitGuard(new RateLimiter(System::nanoTime)),
                            new BudgetGuard(budgets(database, clock)),
                            new CreditGuard(ledger, pricing, Ticker.systemTicker())), metrics, events);
            this.usageRoutes = new UsageRoutes(authenticator, new UsageQueries(database), ledger);
            steps.done("admission");
        } catch (IOException | RuntimeException e) {
            database.close();
            throw e;
        }
    }

    private static PriceTable joined(CompletableFuture<PriceTable> table) {
        try {
            return table.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Budgets start from the tokens already used today (per tenant) and this week (per key and run). */
    private static BudgetTracker budgets(Database database, InstantSource clock) {
        UsageQueries queries = new UsageQueries(database);
        BudgetTracker tracker = new BudgetTracker(clock, queries::tokensOfKey);
        long startOfDay = clock.millis() / 86_400_000 * 86_400_000;
        tracker.seed(queries.tokensSince(startOfDay, UsageGroup.TENANT),
                queries.runTokensSince(clock.millis() - Duration.ofDays(7).toMillis()));
        return tracker;
    }

    /** The receipt writer, or null when receipts are off. */
    private static BackgroundWriter<ReceiptInput> receipts(AuditConfig audit, AegisHome home) throws IOException {
        if (!audit.receipts()) {
            return null;
        }
        ReceiptKeys.Pair keys = ReceiptKeys.loadOrCreate(home.keysDir().resolve("receipts.key"), home.keysDir().resolve("receipts.pub"));
        ReceiptLog log = ReceiptLog.open(audit.dir(), keys, InstantSource.system());
        return new BackgroundWriter<>("receipts", log::append);
    }

    /** Registers every route. */
    void routes(RoutesConfig app, ControlHandlers control) {
        Cors cors = new Cors(config::get);
        app.before(cors::headers);
        app.options("/*", cors::preflight);
        control.recorder(recorder);
        control.register(app);
        app.get("/", HomePage::handle);
        app.post("/auth/token", tokenRoute::handle);
        app.get("/metrics", metrics::scrape);
        app.get("/aegis/v1/events", new EventsRoute(events, authenticator, control.controlToken(), inFlight)::handle);
        usageRoutes.register(app);
        ModelsRoute models = new ModelsRoute(config::get, authenticator, pricing);
        app.get("/v1/models", models::handle);
        app.get("/api/proxy/openai/v1/models", models::handle);
        app.post("/api/ai/completion", proxy::handleAiCompletion);
        app.get("/api/prompt-log", promptLogRoute::handle);
        for (HandlerType method : GatewayServer.PROXIED_METHODS) {
            // GET /v1/models is Aegis's own answer (the key's models) however the path is spelled.
            boolean get = method == HandlerType.GET;
            app.addHttpHandler(method, "/v1/*", ctx -> {
                String path = ctx.path().substring("/v1".length());
                if (get && CanonicalPath.names(path, "/models")) {
                    models.handle(ctx);
                } else {
                    proxy.handle(ctx, path);
                }
            });
            app.addHttpHandler(method, "/api/proxy/openai", ctx -> proxy.handle(ctx, "/chat/completions"));
            for (String provider : new String[] {"openai", "anthropic"}) {
                String prefix = "/" + provider + "/v1";
                app.addHttpHandler(method, prefix + "/*",
                        ctx -> proxy.handle(ctx, ctx.path().substring(prefix.length()), provider));
            }
            app.addHttpHandler(method, "/api/proxy/openai/*", ctx -> {
                String path = ctx.path().substring("/api/proxy/openai".length());
                if (get && CanonicalPath.namesBelowVersion(path, "/models")) {
                    models.handle(ctx);
                } else {
                    proxy.handleAtOrigin(ctx, path);
                }
            });
        }
    }

    @Override
    public void close() {
        upstream.close();
        recorder.close();
        metrics.close();
        database.close();
    }
}
