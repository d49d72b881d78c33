package dev.aegis.proxy;

import dev.aegis.admission.Admission;
import dev.aegis.admission.BudgetGuard;
import dev.aegis.admission.CreditGuard;
import dev.aegis.auth.Authenticator;
import dev.aegis.background.AfterTheAnswer;
import dev.aegis.config.AegisConfig;
import dev.aegis.http.ApiException;
import dev.aegis.http.Exchange;
import dev.aegis.store.StoreUnavailableException;
import dev.aegis.http.InFlightRequests;
import dev.aegis.http.RequestTimeline;
import dev.aegis.events.EventBus;
import dev.aegis.keys.KeyRecord;
import dev.aegis.metrics.GatewayMetrics;
import dev.aegis.pricing.Pricing;
import dev.aegis.promptlog.AnswerPreview;
import dev.aegis.routing.ModelRouter;
import dev.aegis.security.SecretGuard;
import dev.aegis.routing.RouteTarget;
import dev.aegis.store.Money;
import dev.aegis.translate.Untranslatable;
import dev.aegis.usage.UsageExtractor;
import dev.aegis.records.CallRecorder;
import java.io.InputStream;
import java.time.Clock;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The spine of a proxied call: admit -> route -> forward -> relay -> record. */
public final class ProxyHandler {

    private final Supplier<AegisConfig> config;
    private final UpstreamClient upstream;
    private final InFlightRequests inFlight;
    private final Authenticator authenticator;
    private final Pricing pricing;
    private final CallRecorder recorder;
    private final Admission admission;
    private final GatewayMetrics metrics;
    private final EventBus events;
    private final SecretGuard secrets = new SecretGuard();
    private final Clock clock = Clock.systemUTC();
    /** Stands for the API path of {@code /api/ai/completion}, decided by the body. */
    private static final String AI_COMPLETION = "/ai/completion";

    public ProxyHandler(Supplier<AegisConfig> config, UpstreamClient upstream, InFlightRequests inFlight,
            Authenticator authenticator, Pricing pricing, CallRecorder recorder, Admission admission,
            GatewayMetrics metrics, EventBus events) {
        this.admission = admission;
        this.metrics = metrics;
        this.events = events;
        this.config = config;
        this.upstream = upstream;
        this.inFlight = inFlight;
        this.authenticator = authenticator;
        this.pricing = pricing;
        this.recorder = recorder;
    }

    /**
     * Serves one call and records it, refusals included.
     *
     * @param apiPath the path below the API version as it came (still percent-encoded), e.g.
     *     {@code /chat/completions}; {@link CanonicalPath} decodes it before anything matches it
     */
    public void handle(Exchange call, String apiPath) {
        handle(call, apiPath, null);
    }

    /**
     * {@code /api/proxy/openai/<path>}: the OpenAI provider's origin + {@code /<path>}, as the
     * Terragon proxy maps it, so {@code /v1/responses} there is {@code /v1/responses} here, governed
     * the same; 404 outside {@code /v1/}.
     *
     * @param originPath the path after {@code /api/proxy/openai}, as it came
     */
    public void handleAtOrigin(Exchange call, String originPath) {
        proxy(call, () -> CanonicalPath.belowVersion(originPath), null);
    }

    /**
     * {@code POST /api/ai/completion}: an OpenAI-compatible completion body, served as chat
     * completions when it has {@code messages} and as legacy completions otherwise.
     */
    public void handleAiCompletion(Exchange call) {
        handle(call, AI_COMPLETION, null);
    }

    /**
     * Serves one call sent to an explicit provider prefix ({@code /openai/v1/...}, {@code /anthropic/v1/...}).
     *
     * @param provider the provider every call on this path goes to, whatever its model; null to route by model
     */
    public void handle(Exchange call, String apiPath, String provider) {
        proxy(call, () -> CanonicalPath.of(apiPath), provider);
    }

    /** @param apiPath the canonical path below the API version; 400 (or 404) and recorded when there is none */
    private void proxy(Exchange call, Supplier<String> apiPath, String provider) {
        if (!inFlight.enter()) {
            throw ApiException.shuttingDown();
        }
        AegisConfig cfg = config.get();
        // The path is written down (usage row, log line, receipt): never a secret a caller put in it.
        CallRecord record = new CallRecord(call.requestId(), secrets.recordable(cfg.secrets(), call.path()));
        AfterTheAnswer.open();
        try {
            serve(call, cfg, apiPath, provider, record);
        } catch (ApiException e) {
            record.refused(e.status(), e.code());
            throw e;
        } catch (StoreUnavailableException e) {
            ApiException refusal = ApiException.storeUnavailable();
            record.refused(refusal.status(), refusal.code());
            throw refusal;
        } catch (RuntimeException e) {
            record.refused(500, "internal_error");
            throw e;
        } finally {
            AfterTheAnswer.answered(); // the answer is out (a refusal's is written by the caller next); never throws
            try {
                record.recordTo(recorder, pricing, admission, cfg.governance(), metrics, events);
            } finally {
                inFlight.exit(); // a stop waits for in-flight calls: this one is over whatever recording did
            }
        }
    }

    /** The lower of two output limits, either of which may be absent (null). */
    private static Integer tighter(Integer a, Integer b) {
        return a == null ? b : b == null ? a : Integer.valueOf(Math.min(a, b));
    }

    private void serve(Exchange call, AegisConfig cfg, Supplier<String> canonicalPath, String provider, CallRecord record) {
        String apiPath = canonicalPath.get();
        // Recorded, counted and labelled as spelled canonically: /v1/chat/%63ompletions is /v1/chat/completions.
        record.route(secrets.recordable(cfg.secrets(), CanonicalPath.of(call.path())));
        RequestTimeline timeline = call.timeline();
        KeyRecord key = authenticator.authenticate(call::header);
        record.caller(key, call.header("x-tenant-id"), call.header("x-run-id"));
        record.agentSession(call::header);
        // After the key is known, so the refusal's row names it (it was recorded as a keyless call's).
        if (recorder.full()) {
            throw ApiException.recordsUnavailable(recorder.backlog());
        }
        admission.rateLimits().admit(key, cfg.governance(), call);
        byte[] raw = BodyReader.read(call, cfg.server().maxBodyBytes(), key.id());
        String path = !AI_COMPLETION.equals(apiPath) ? apiPath
                : TopLevelFields.has(raw, "messages") ? Endpoint.CHAT_COMPLETIONS.apiPath()
                : Endpoint.COMPLETIONS.apiPath();
        Endpoint endpoint = Endpoint.of(call.method(), path);
        record.endpoint(endpoint);
        record.requestBody(raw);
        if (endpoint == Endpoint.PASSTHROUGH) {
            admission.passthrough().admit(key, cfg.governance(), cfg.passthrough(), call.method(), path);
        }
        RequestBody body = endpoint.inspectsBody() ? inspect(call, raw, cfg, key, record) : opaque(call, raw, cfg, key, record);
        if (body.background() && endpoint == Endpoint.RESPONSES) {
            admission.passthrough().admitBackground(key, cfg.governance());
        }
        if (body.fastMode() && endpoint == Endpoint.MESSAGES) {
            admission.passthrough().admitFastMode(key, cfg.governance());
        }
        record.requested(ModelId.checked(body.model()));
        record.serviceTierAsked(body.serviceTier());
        Authenticator.requireModel(key, body.model());
        if (endpoint == Endpoint.RESPONSES && admission.passthrough().limited(key, cfg.governance())) {
            for (TopLevelFields.Tool tool : TopLevelFields.tools(raw)) {
                // A hosted tool that runs a model of its own (image_generation's gpt-image-1) is held to the key's list
                // too, and one billed apart from the call's tokens is refused to a key whose spending Aegis holds.
                if (tool.model() != null) {
                    Authenticator.requireModel(key, tool.model());
                }
                admission.passthrough().admitHostedTool(key, cfg.governance(), tool.type());
            }
        }
        ModelRouter router = new ModelRouter(cfg);
        List<RouteTarget> routed = !endpoint.inspectsBody()
                ? List.of(provider != null ? router.onProvider(provider, null) : router.defaultTarget(null))
                : provider != null ? List.of(router.onProvider(provider, ModelRouter.named(body.model())))
                : router.resolve(body.model());
        List<RouteTarget> targets = servable(endpoint, ModelRouter.allowedFor(routed,
                ModelRouter.classificationOf(call.header("x-aegis-classification"), cfg.secrets().defaultClassification())),
                body.model());
        RouteTarget target = targets.getFirst();
        record.target(target);
        // Input the provider reads from context it stores: estimated alike by budgets and credits.
        long storedContext = body.storedContext() ? cfg.governance().credits().storedContextTokens() : 0;
        Integer asked = endpoint.inspectsBody() ? body.maxOutputTokens(endpoint.outputLimitFields()) : null;
        if (asked != null && asked <= 0) {
            asked = null;
        }
        // The output limit each answer runs with, as limits and credits estimate it: the client's, else the default.
        int byDefault = cfg.governance().credits().defaultOutputTokens();
        int runsWith = asked != null ? asked : byDefault;
        // Every billed call meets its budgets (a spent one refuses it, a hard one caps and holds its output).
        Long outputBudget = null;
        if (endpoint.billed()) {
            // Its estimate counts against the key's token limits until its real tokens do.
            long outputPerAnswer = endpoint.generates() ? runsWith : 0;
            record.tokenHold(admission.rateLimits().holdTokens(key, cfg.governance(), raw, storedContext, outputPerAnswer,
                    body.choices(), call));
            BudgetGuard.Admitted admitted = admission.budgets().admit(key, new BudgetGuard.Call(record.tenant(),
                    record.runId(), record.sessionId(), target.model(), body.serviceTier(), raw, storedContext,
                    body.choices(), endpoint.generates() ? asked : Integer.valueOf(0)), cfg.governance(), call);
            record.budgetHold(admitted.hold());
            outputBudget = admitted.output();
        }
        // A key with credits: a call without an output limit gets the configured one, reserved for and sent.
        Integer creditCap = null;
        if (endpoint.inspectsBody()) {
            CreditGuard.CallSize size = new CreditGuard.CallSize(raw.length, storedContext, runsWith, body.choices(),
                    body.serviceTier());
            Optional<CreditGuard.Reserved> reserved = admission.credits().reserve(key,
                    targets.stream().map(RouteTarget::model).toList(), size, endpoint.outputLimitField() != null);
            reserved.ifPresent(r -> {
                record.reservation(r.reservation());
                call.setHeader("X-Aegis-Credits-Remaining", Money.toUsd(Math.max(0, r.reservation().availableNanos()))
                        .stripTrailingZeros().toPlainString());
            });
            // Sent: what the credits left pay for, else the configured default when the client set no limit.
            creditCap = reserved.isEmpty() ? null : reserved.get().outputCap() != null ? reserved.get().outputCap()
                    : asked == null ? Integer.valueOf(byDefault) : null;
        }

        AnswerPreview preview = endpoint.inspectsBody() ? recorder.answerPreview(endpoint == Endpoint.RESPONSES) : null;
        record.answerPreview(preview);

        // An output limit holds for each answer the call asks for (n, best_of): the budget is shared among them.
        Integer budgetCap = outputBudget == null || endpoint.outputLimitField() == null ? null
                : BudgetGuard.outputCap(outputBudget, body.choices());
        Integer outputCap = endpoint.outputLimitField() == null ? null : tighter(budgetCap, creditCap);
        timeline.sentUpstream();
        RetryingSender.Answer answer = RetryingSender.send(upstream, targets, cfg.retry(), t -> {
            Translation translation = translation(endpoint, t, body);
            return UpstreamCall.build(call, cfg, t, translation, path, translated(translation, body, t, outputCap));
        }, metrics);
        timeline.upstreamHeaders();
        target = answer.target();
        record.target(target);
        Translation translation = translation(endpoint, target, body);
        boolean hideUsageChunk = translation.upstream().streamsUsageOnRequest() && body.stream()
                && !body.includeUsage() && !cfg.streamIncludeUsage();
        UsageExtractor usage = translation.upstream().usageExtractor(hideUsageChunk);
        record.usage(usage);
        HttpResponse<InputStream> response = answer.response();
        call.answered();
        StreamTap tap = new StreamTap(usage, translation.events(),
                outputBudget == null ? null : endpoint.cutoff(outputBudget), endpoint.failureEnding(), preview);
        ResponseRelay.relay(call, response, target, timeline, record, usage, tap, translation, pricing,
                cfg.timeouts().idle(), inFlight::isCut,
                () -> record.recordTo(recorder, pricing, admission, cfg.governance(), metrics, events));
    }

    /** The body for the provider; 400 when its protocol cannot carry something the call asks for. */
    private static byte[] translated(Translation translation, RequestBody body, RouteTarget target, Integer outputCap) {
        try {
            return translation.request(body, target, outputCap);
        } catch (Untranslatable e) {
            throw ApiException.invalidRequest("model '" + body.model() + "' is served by provider '"
                    + target.provider().name() + "' (" + target.provider().type().id() + "), whose protocol cannot"
                    + " carry " + e.getMessage());
        }
    }

    private Translation translation(Endpoint endpoint, RouteTarget target, RequestBody body) {
        return Translation.between(endpoint, target.provider().type(), body.includeUsage(), clock).orElseThrow();
    }

    /**
     * The targets whose protocol can serve this endpoint, directly or translated; 400 when none can
     * (the Responses API to an Anthropic model, say).
     */
    private List<RouteTarget> servable(Endpoint endpoint, List<RouteTarget> targets, String model) {
        List<RouteTarget> servable = targets.stream()
                .filter(t -> Translation.between(endpoint, t.provider().type(), false, clock).isPresent())
                .toList();
        if (servable.isEmpty()) {
            RouteTarget t = targets.getFirst();
            throw ApiException.invalidRequest("model '" + model + "' is served by provider '" + t.provider().name()
                    + "' (" + t.provider().type().id() + "), which cannot answer " + endpoint.apiPath()
                    + "; call it with /v1/chat/completions or /v1/messages");
        }
        return servable;
    }

    /**
     * Inspects the body and scans it for secrets in one pass, in the key's secrets mode; a redacted
     * body is read again. What was found is recorded, kinds and counts only, and the model asked for,
     * even when the call is refused.
     */
    private RequestBody inspect(Exchange call, byte[] raw, AegisConfig cfg, KeyRecord key, CallRecord record) {
        SecretGuard.Scan scan = secrets.scan(cfg.secrets(), key.secretsMode(cfg.secrets().mode()));
        if (scan == null) {
            return BodyInspector.inspect(raw);
        }
        try {
            scan.address(call.path(), call.query());
            RequestBody body = BodyInspector.inspect(raw, scan);
            // A call refused for a secret still names its model, never a secret the model field held.
            record.requested(ModelId.checked(scan.recordable(body.model())));
            scan.headers(UpstreamCall.forwardedHeaders(call));
            byte[] checked = scan.result(raw);
            return checked == raw ? body : BodyInspector.inspect(checked);
        } finally {
            record.secrets(scan.findings());
        }
    }

    /** A pass-through body, not read but scanned for secrets all the same (JSON, text, or a binary body's text runs). */
    private RequestBody opaque(Exchange call, byte[] raw, AegisConfig cfg, KeyRecord key, CallRecord record) {
        SecretGuard.Scan scan = secrets.scan(cfg.secrets(), key.secretsMode(cfg.secrets().mode()));
        if (scan == null) {
            return RequestBody.opaque(raw);
        }
        try {
            scan.address(call.path(), call.query());
            scan.headers(UpstreamCall.forwardedHeaders(call));
            return RequestBody.opaque(scan.opaque(raw));
        } finally {
            record.secrets(scan.findings());
        }
    }
}
