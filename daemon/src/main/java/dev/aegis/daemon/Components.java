package dev.aegis.daemon;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.aegis.admission.Admission;
import dev.aegis.admission.BudgetGuard;
import dev.aegis.admission.BudgetTracker;
import dev.aegis.admission.CreditGuard;
import dev.aegis.admission.CreditLeases;
import dev.aegis.admission.RateLimitGuard;
import dev.aegis.admission.RouteAdmission;
import dev.aegis.admission.KeyRateLimits;
import dev.aegis.admission.RateLimiter;
import dev.aegis.admission.SharedBudgets;
import dev.aegis.admission.SharedRateLimiter;
import dev.aegis.store.BudgetCounters;
import dev.aegis.store.Dialect;
import dev.aegis.store.RateLimitState;
import dev.aegis.auth.Authenticator;
import dev.aegis.auth.JwtTokens;
import dev.aegis.auth.KeyCache;
import dev.aegis.auth.TokenRoute;
import dev.aegis.config.AegisConfig;
import dev.aegis.config.AuditConfig;
import dev.aegis.config.PromptLogConfig;
import dev.aegis.promptlog.PromptLogInput;
import dev.aegis.promptlog.PromptLogRoute;
import dev.aegis.promptlog.PromptLogWriter;
import dev.aegis.store.PromptLogStore;
import dev.aegis.receipts.ReceiptInput;
import dev.aegis.receipts.ReceiptInstance;
import dev.aegis.receipts.ReceiptKeys;
import dev.aegis.receipts.ReceiptLog;
import dev.aegis.receipts.ReceiptRows;
import dev.aegis.records.BackgroundWriter;
import dev.aegis.records.CallRecorder;
import dev.aegis.events.EventBus;
import dev.aegis.events.EventsRoute;
import dev.aegis.home.AegisHome;
import dev.aegis.reload.ReloadCounts;
import dev.aegis.mcp.McpRoute;
import dev.aegis.mcp.McpServers;
import dev.aegis.store.McpToolPins;
import dev.aegis.metrics.GatewayMetrics;
import dev.aegis.pricing.PriceTable;
import dev.aegis.pricing.Pricing;
import dev.aegis.routing.ModelsRoute;
import dev.aegis.store.Database;
import dev.aegis.store.Dialect;
import dev.aegis.store.ReceiptHead;
import dev.aegis.store.ReceiptHeadStore;
import dev.aegis.store.ReceiptVerifications;
import dev.aegis.store.UsageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import dev.aegis.store.UsageRow;
import dev.aegis.records.Spool;
import dev.aegis.records.CallLog;
import dev.aegis.store.SqlCreditLedger;
import dev.aegis.store.UsageGroup;
import dev.aegis.store.UsageQueries;
import dev.aegis.store.SecretCounts;
import dev.aegis.store.UsageSeries;
import dev.aegis.store.UsageCells;
import dev.aegis.ui.DashboardData;
import dev.aegis.ui.DashboardRoutes;
import java.time.Duration;
import dev.aegis.usage.UsageRoutes;
import dev.aegis.store.SqlKeyStore;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.time.InstantSource;
import org.slf4j.LoggerFactory;
import dev.aegis.control.ControlHandlers;
import dev.aegis.http.CallsAtWork;
import dev.aegis.http.Cors;
import dev.aegis.http.Exchange;
import dev.aegis.http.GatewayServer;
import dev.aegis.http.HomePage;
import dev.aegis.http.InFlightRequests;
import dev.aegis.http.JavalinExchange;
import dev.aegis.front.FrontRoutes;
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
    /** Null when receipts are off. */
    private final ReceiptLog receiptLog;
    final Pricing pricing;
    final CallRecorder recorder;
    final ProxyHandler proxy;
    final GatewayMetrics metrics;
    final EventBus events = new EventBus();
    final ReloadCounts reloads = new ReloadCounts();
    final UsageRoutes usageRoutes;
    final PromptLogRoute promptLogRoute;
    final DashboardData.Sources dashboard;
    final CreditGuard credits;
    private final CreditLeases creditLeases;
    /** The daemon's own key routes' admission: the key, and the {@code scope: all} rate limits. */
    private final RouteAdmission routeAdmission;
    /** Team mode's shared limits (null on SQLite): their background writers stop with the daemon. */
    private final SharedRateLimiter sharedRateLimits;
    private final SharedBudgets sharedBudgets;
    final McpServers mcpServers;
    final McpRoute mcp;
    /** The server's connections at work; the warm-ups wait for a moment with none. */
    private final CallsAtWork atWork;
    /** Set when {@link #close} begins: warm-ups not yet begun are left out. */
    private volatile boolean closed;

    /** Opens the database and the JWT secret; on failure nothing stays open. */
    /**
     * @param builtInPrices the release's price table, being read on another thread meanwhile (tens of
     *     ms of a cold start's CPU, docs/STARTUP.md)
     * @param atWork the server's connections at work: a provider's head is only spun for by the one call at work
     */
    Components(AegisConfig initial, AegisHome home, StartupSteps steps, CompletableFuture<PriceTable> builtInPrices,
            CallsAtWork atWork) throws IOException, StartupException {
        this.config = new AtomicReference<>(initial);
        this.atWork = atWork;
        InstantSource clock = InstantSource.system();
        this.database = Database.open(initial.storeUrl(), Database.PageCache.APPENDS, initial.storeConnectionTimeout());
        steps.done("store");
        try {
            SqlKeyStore keyStore = new SqlKeyStore(database, clock);
            this.keys = new KeyCache(keyStore, Ticker.systemTicker());
            JwtTokens jwt = JwtTokens.fromFile(home.keysDir().resolve("jwt.secret"), clock);
            this.authenticator = new Authenticator(keys, jwt, clock);
            steps.done("keys");
            this.tokenRoute = new TokenRoute(authenticator, jwt);
            SqlCreditLedger ledger = new SqlCreditLedger(database, clock, ReservationHolder.of(home));
            Spool<CreditGuard.Owed> owedSpool = new Spool<>(home.root().resolve("spool"), "settlements", CreditGuard.Owed.class);
            int charged = CreditGuard.replay(owedSpool, ledger);
            if (charged > 0) {
                LoggerFactory.getLogger(Components.class).info("charged {} calls' credits a stop had kept", charged);
            }
            int released = ledger.releaseAll();
            if (released > 0) {
                LoggerFactory.getLogger(Components.class).warn(
                        "released {} credit reservations left by a daemon that did not stop cleanly", released);
            }
            PromptLogConfig promptLog = initial.audit().promptLog();
            PromptLogStore promptLogStore = promptLog.enabled() ? new PromptLogStore(database) : null;
            BackgroundWriter<PromptLogInput> promptLogWriter = promptLogStore == null ? null : new BackgroundWriter<>("prompt-log",
                    new PromptLogWriter(promptLogStore, promptLog, () -> config.get().secrets())::write);
            UsageStore usageStore = new UsageStore(database);
            Path spoolDir = home.root().resolve("spool");
            Spool<UsageRow> usageSpool = new Spool<>(spoolDir, "usage", UsageRow.class);
            // Before the receipt log opens: kept signed rows move their trail's head to where the trail ends.
            int replayed = usageSpool.replay(usageStore::insert) + CallRecorder.writeKeptSignedRows(spoolDir, usageStore);
            if (replayed > 0) {
                LoggerFactory.getLogger(Components.class).info("wrote {} usage rows a stop had kept in {}", replayed, spoolDir);
            }
            this.receiptLog = receiptLog(initial.audit(), home, database);
            this.recorder = receiptLog != null
                    ? CallRecorder.withReceipts(receiptLog, usageStore, spoolDir, promptLogWriter,
                            promptLog.previewChars(), initial.audit().maxBacklog())
                    : new CallRecorder(new BackgroundWriter<>("usage", CallLog.loggedAfter(usageStore::insert), usageSpool::keep),
                            promptLogWriter, promptLog.previewChars(), initial.audit().maxBacklog());
            this.promptLogRoute = new PromptLogRoute(authenticator, promptLogStore);
            steps.done("records");
            // Joined only here: nothing before needs the prices, and the warm-up thread is often still reading them.
            this.pricing = Pricing.from(initial.pricing(), joined(builtInPrices));
            steps.done("prices");
            this.upstream = new UpstreamClient(initial.timeouts(), initial.server().headBusyPoll(), atWork::now);
            this.metrics = new GatewayMetrics(inFlight,
                    model -> pricing.price(model).isPresent() || initial.models().containsKey(model));
            metrics.monitor(keys.cache(), "aegis.keys");
            steps.done("metrics");
            this.credits = new CreditGuard(ledger, pricing, Ticker.systemTicker(), owedSpool);
            this.creditLeases = new CreditLeases(ledger);
            // A team's daemons on one PostgreSQL share budgets and rate limits through it; SQLite's one daemon counts in memory.
            boolean team = database.dialect() == Dialect.POSTGRESQL;
            this.sharedRateLimits = team ? new SharedRateLimiter(new RateLimitState(database),
                    metrics.teamWriteDelays("token_rate_limits")) : null;
            this.sharedBudgets = team ? new SharedBudgets(new BudgetCounters(database), clock,
                    metrics.teamWriteDelays("budgets")) : null;
            BudgetTracker budgets = budgets(database, clock, sharedBudgets);
            KeyRateLimits rateLimits = team ? sharedRateLimits : new RateLimiter(System::nanoTime);
            RateLimitGuard rateLimitGuard = new RateLimitGuard(rateLimits);
            this.proxy = new ProxyHandler(config::get, upstream, inFlight, authenticator, pricing, recorder,
                    new Admission(rateLimitGuard,
                            new BudgetGuard(budgets, pricing),
                            credits), metrics, events);
            this.routeAdmission = new RouteAdmission(authenticator, rateLimitGuard, config::get);
            this.usageRoutes = new UsageRoutes(routeAdmission, new UsageQueries(database), ledger);
            this.dashboard = new DashboardData.Sources(new UsageQueries(database), new UsageCells(database), new UsageSeries(database),
                    new SecretCounts(database), keyStore, ledger, budgets, rateLimits, () -> config.get().governance(),
                    new ReceiptVerifications(database));
            this.mcpServers = new McpServers(config::get, upstream);
            this.mcp = new McpRoute(config::get, authenticator, routeAdmission, inFlight, mcpServers, new McpToolPins(database), recorder, events,
                    metrics);
            mcpServers.startAll();
            steps.done("admission");
        } catch (IOException | StartupException | RuntimeException e) {
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

    /** Budgets start from the tokens already used today (per tenant) and this week (per key and run or session). */
    private static BudgetTracker budgets(Database database, InstantSource clock, SharedBudgets shared) {
        UsageQueries queries = new UsageQueries(database);
        BudgetTracker tracker = new BudgetTracker(clock, queries::tokensOfKey, shared);
        long startOfDay = clock.millis() / 86_400_000 * 86_400_000;
        UsageQueries.Spans week = queries.spansSince(clock.millis() - Duration.ofDays(7).toMillis());
        tracker.seed(queries.tokensSince(startOfDay, UsageGroup.TENANT), week.runTokens());
        tracker.seedMinute(queries.tokensSince(clock.millis() / 60_000 * 60_000, UsageGroup.TENANT));
        tracker.seedSessions(week.sessions());
        return tracker;
    }

    /**
     * The receipt trail to sign into, or null when receipts are off. A missing
     * signing key beside a trail that already holds receipts is refused: a new key is made only by
     * {@code aegis receipts rotate}, which records the change in the trail. The home's instance id
     * ({@code keys/receipts.instance}) is made with the key; a head kept from before instance ids
     * becomes this instance's when this daemon's key signed it.
     */
    /**
     * Once the daemon listens: warms what its calls would otherwise pay for on their way (the provider
     * client's TLS, the receipt signer's native library), in the background and after the start's first
     * calls ({@link StartupWarmUp.Pace}); done when both are, or when the daemon stopped first.
     */
    CompletableFuture<Void> warmUp() {
        List<Runnable> warmUps = receiptLog == null
                ? List.of(upstream::warmUp)
                : List.of(upstream::warmUp, receiptLog::prepareSigner);
        return StartupWarmUp.afterStart(StartupWarmUp.Pace.DAEMON, atWork::now, () -> closed, warmUps);
    }

    private static ReceiptLog receiptLog(AuditConfig audit, AegisHome home, Database database)
            throws IOException, StartupException {
        if (!audit.receipts()) {
            return null;
        }
        Path privateKey = home.keysDir().resolve("receipts.key");
        ReceiptHeadStore heads = new ReceiptHeadStore(database);
        ReceiptLog.TrailEnd end = ReceiptLog.end(audit.dir()); // read once: a torn last line set aside first
        ReceiptHead trailEnd = end.head();
        Optional<String> known = ReceiptInstance.read(home.keysDir().resolve(ReceiptInstance.FILE));
        if (!Files.exists(privateKey)) {
            long stored = known.flatMap(heads::head).or(() -> database.dialect() == Dialect.SQLITE ? heads.head(null) : Optional.empty())
                    .map(ReceiptHead::seq).orElse(0L);
            long written = Math.max(trailEnd.seq(), stored);
            if (written > 0) {
                throw new StartupException("the receipt signing key " + privateKey + " is missing but the trail in "
                        + audit.dir() + " already holds receipts (up to seq " + written + "): restore the key, or run "
                        + "`aegis receipts rotate` to start a new key recorded in the trail, or turn receipts off "
                        + "(audit.receipts: false)");
            }
        }
        ReceiptKeys.Pair keys = ReceiptKeys.loadOrCreate(privateKey, home.keysDir().resolve("receipts.pub"));
        String trailInstance = known.isPresent() ? null : trailEnd.instance();
        String instance = ReceiptInstance.loadOrAdopt(home.keysDir().resolve(ReceiptInstance.FILE), trailInstance);
        if (trailInstance != null) {
            LoggerFactory.getLogger(Components.class).warn(
                    "{} was missing: this daemon goes on as instance {}, the one its receipt trail names",
                    home.keysDir().resolve(ReceiptInstance.FILE), instance);
        }
        heads.adopt(instance, ReceiptKeys.fingerprint(keys.publicKey()));
        requireTrailEndsInOwnKey(audit.dir(), end, keys);
        try {
            rowsFromReceiptsPastHead(audit.dir(), trailEnd, heads, instance, keys, database);
        } catch (ReceiptRows.NotOurs e) {
            throw new StartupException(e.getMessage() + ": this daemon does not go on after receipts it did not write (its"
                    + " store's head would vouch for them). Run `aegis receipts verify`; keep the trail as evidence, and"
                    + " restore the home from a copy you trust, or point audit.dir at a new folder");
        }
        return ReceiptLog.open(audit.dir(), keys, instance, InstantSource.system(), heads.head(instance),
                heads.highestUsageReceipt(instance), trailEnd);
    }

    /**
     * The trail must end in this daemon's key: its last receipt signed by {@code keys/receipts.key}, or a rotation
     * to it (`aegis receipts rotate`). A key replaced by another (a key file from elsewhere, a planted one) would
     * otherwise sign on silently and break the trail it continues (found by an outside review).
     */
    private static void requireTrailEndsInOwnKey(Path dir, ReceiptLog.TrailEnd end, ReceiptKeys.Pair keys)
            throws StartupException {
        String own = ReceiptKeys.fingerprint(keys.publicKey());
        String rotatesTo = end.rotatesTo();
        ReceiptHead trailEnd = end.head();
        if (rotatesTo != null) {
            // Whoever signed it (the old key, or the new one when the old was lost), a rotation hands the trail over.
            if (rotatesTo.equals(own)) {
                return;
            }
            throw new StartupException("the receipt trail in " + dir + " ends in a rotation to key " + rotatesTo + ", but"
                    + " keys/receipts.key is key " + own + " (a key file from before the rotation, or a rotation that did not"
                    + " finish): put back the key the rotation made, or run `aegis receipts rotate` again");
        }
        if (trailEnd.keyFingerprint() == null || trailEnd.keyFingerprint().equals(own)) {
            return;
        }
        throw new StartupException("the receipt trail in " + dir + " ends in receipts signed by key "
                + trailEnd.keyFingerprint() + ", but keys/receipts.key is key " + own + " (a replaced key file): put back the"
                + " key that signed the trail, or run `aegis receipts rotate` (with the daemon stopped) to record the change");
    }

    /**
     * Writes the usage rows of receipts the trail holds past what the store recorded (a daemon killed between
     * signing a batch and storing its rows: {@link ReceiptRows}), and moves the head with them.
     */
    private static void rowsFromReceiptsPastHead(Path dir, ReceiptHead trailEnd, ReceiptHeadStore heads, String instance,
            ReceiptKeys.Pair keys, Database database) throws IOException, ReceiptRows.NotOurs {
        Optional<ReceiptHead> head = heads.head(instance);
        if (head.isEmpty()) {
            return; // a trail the store has never tracked: nothing says which of its receipts have rows
        }
        long recorded = Math.max(head.get().seq(), heads.highestUsageReceipt(instance));
        if (trailEnd.seq() <= recorded) {
            return;
        }
        ReceiptRows.Recovered recovered = ReceiptRows.pastHead(dir, recorded, instance, keys.publicKey());
        if (!recovered.isEmpty()) {
            new UsageStore(database).insertSigned(recovered.rows(), recovered.firstSeq(), recovered.head());
            LoggerFactory.getLogger(Components.class).warn("wrote {} usage rows from the receipts past the store's head (seq {}"
                    + " to {}): the daemon before stopped between signing them and storing their rows", recovered.rows().size(),
                    recovered.firstSeq(), recovered.head().seq());
        }
    }

    /** Registers every route. */
    void routes(RoutesConfig app, ControlHandlers control) {
        Cors cors = new Cors(config::get);
        app.before(cors::headers);
        app.options("/*", cors::preflight);
        ModelsRoute models = new ModelsRoute(config::get, routeAdmission, pricing);
        proxiedMounts(app, models);
        control.recorder(recorder);
        control.register(app);
        app.get("/", HomePage::handle);
        app.post("/auth/token", tokenRoute::handle);
        app.get("/metrics", metrics::scrape);
        app.get("/aegis/v1/events", new EventsRoute(events, authenticator, control.controlToken(), inFlight)::handle);
        usageRoutes.register(app);
        new DashboardRoutes(dashboard, config.get().audit(), authenticator, keys, events, inFlight, control.controlToken(),
                InstantSource.system()).register(app);
        app.post("/api/ai/completion", ctx -> proxy.handleAiCompletion(JavalinExchange.of(ctx)));
        app.get("/api/prompt-log", promptLogRoute::handle);
        mcp.controlToken(control::controlToken);
        mcp.register(app);
    }

    /**
     * What the front serves itself (docs/adr/0007-a-front-of-our-own-for-the-proxy-routes.md): the
     * model calls, {@code POST} under {@code /v1/} and the provider prefixes, as the mounts below
     * serve them; everything else (and any path ending in a slash, which Javalin's matching treats
     * its own way) Jetty serves.
     */
    FrontRoutes frontRoutes() {
        return (method, path) -> {
            if (!"POST".equals(method) || path.endsWith("/")) {
                return null;
            }
            if (path.startsWith("/v1/")) {
                return call -> proxy.handle(call, path.substring("/v1".length()));
            }
            for (String provider : new String[] {"openai", "anthropic"}) {
                String prefix = "/" + provider + "/v1";
                if (path.startsWith(prefix + "/")) {
                    return call -> proxy.handle(call, path.substring(prefix.length()), provider);
                }
            }
            return null;
        };
    }

    /**
     * The proxied mounts, registered before Aegis's own routes: Javalin tries a method's routes in the
     * order they were added, one path pattern after another, and nearly every call is proxied (the
     * patterns ahead of these were ≈ 3 % of the daemon's samples at 64 connections). No own route
     * lies under a mount: the model lists ({@code GET /v1/models}, however spelled) are answered by
     * {@link #modelsOrProxied} itself.
     */
    private void proxiedMounts(RoutesConfig app, ModelsRoute models) {
        for (HandlerType method : GatewayServer.PROXIED_METHODS) {
            boolean get = method == HandlerType.GET;
            app.addHttpHandler(method, "/v1/*",
                    modelsOrProxied(get, models, "/v1", p -> CanonicalPath.names(p, "/models"), proxy::handle));
            app.addHttpHandler(method, "/api/proxy/openai", ctx -> proxy.handle(JavalinExchange.of(ctx), "/chat/completions"));
            for (String provider : new String[] {"openai", "anthropic"}) {
                String prefix = "/" + provider + "/v1";
                app.addHttpHandler(method, prefix + "/*",
                        ctx -> proxy.handle(JavalinExchange.of(ctx), ctx.path().substring(prefix.length()), provider));
            }
            app.addHttpHandler(method, "/api/proxy/openai/*", modelsOrProxied(get, models, "/api/proxy/openai",
                    p -> CanonicalPath.namesBelowVersion(p, "/models"), proxy::handleAtOrigin));
        }
    }

    /**
     * A mount's handler: {@code GET} of the model list is Aegis's own answer (the key's models)
     * however the client spelled the path ({@code /v1/%6Dodels}); everything else is proxied.
     */
    private static io.javalin.http.Handler modelsOrProxied(boolean get, ModelsRoute models, String mount,
            java.util.function.Predicate<String> isModelList, java.util.function.BiConsumer<Exchange, String> proxied) {
        return ctx -> {
            String path = ctx.path().substring(mount.length());
            if (get && isModelList.test(path)) {
                models.handle(ctx);
            } else {
                proxied.accept(JavalinExchange.of(ctx), path);
            }
        };
    }

    @Override
    public void close() {
        closed = true;
        mcpServers.close();
        upstream.close();
        // The writers write what waits at the same time, so a database down through the stop delays it once
        // (each gives it half its 10 s, then keeps what it could not write in spool/), not once per writer:
        // one after another they took 30 s, and aegis stop's --timeout gave up on the daemon first.
        List<Runnable> writers = new ArrayList<>();
        writers.add(() -> {
            recorder.close();
            if (receiptLog != null) {
                receiptLog.close();
            }
        });
        writers.add(() -> {
            creditLeases.close();
            credits.close();
        });
        if (sharedBudgets != null) {
            writers.add(sharedRateLimits::close);
            writers.add(sharedBudgets::close);
        }
        closeTogether(writers);
        metrics.close();
        database.close();
    }

    /** Runs each close on a thread of its own and waits for all of them. */
    private static void closeTogether(List<Runnable> closes) {
        List<Thread> threads = closes.stream().map(c -> Thread.ofVirtual().name("aegis-stop").start(c)).toList();
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
