package dev.aegis.proxy;

import dev.aegis.admission.Admission;
import dev.aegis.auth.Authenticator;
import dev.aegis.config.AegisConfig;
import dev.aegis.http.Answered;
import dev.aegis.http.ApiException;
import dev.aegis.http.InFlightRequests;
import dev.aegis.http.RequestIds;
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
import dev.aegis.streaming.EventTap;
import dev.aegis.streaming.cutoff.BudgetCutoff;
import dev.aegis.usage.UsageExtractor;
import dev.aegis.records.CallRecorder;
import io.javalin.http.Context;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
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
     * @param apiPath the path below the API version, e.g. {@code /chat/completions}
     */
    public void handle(Context ctx, String apiPath) {
        handle(ctx, apiPath, null);
    }

    /**
     * Serves one call sent to an explicit provider prefix ({@code /openai/v1/...}, {@code /anthropic/v1/...}).
     *
     * @param provider the provider every call on this path goes to, whatever its model; null to route by model
     */
    public void handle(Context ctx, String apiPath, String provider) {
        if (!inFlight.enter()) {
            throw ApiException.shuttingDown();
        }
        CallRecord record = new CallRecord(RequestIds.of(ctx), ctx.path());
        AegisConfig cfg = config.get();
        try {
            serve(ctx, cfg, apiPath, provider, record);
        } catch (ApiException e) {
            record.refused(e.status(), e.code());
            throw e;
        } catch (RuntimeException e) {
            record.refused(500, "internal_error");
            throw e;
        } finally {
            record.recordTo(recorder, pricing, admission, cfg.governance(), metrics, events);
            inFlight.exit();
        }
    }

    private void serve(Context ctx, AegisConfig cfg, String apiPath, String provider, CallRecord record) {
        RequestTimeline timeline = RequestTimeline.of(ctx);
        KeyRecord key = authenticator.authenticate(ctx);
        record.caller(key, ctx.header("x-tenant-id"), ctx.header("x-run-id"));
        admission.rateLimits().admit(key, cfg.governance(), ctx.res());
        Endpoint endpoint = Endpoint.of(ctx.method().name(), apiPath);
        record.endpoint(endpoint);
        byte[] raw = BodyReader.read(ctx, cfg.server().maxBodyBytes());
        record.requestBody(raw);
        RequestBody body = endpoint.inspectsBody() ? inspect(raw, cfg) : RequestBody.opaque(raw);
        record.requested(body.model());
        Authenticator.requireModel(key, body.model());
        ModelRouter router = new ModelRouter(cfg);
        List<RouteTarget> routed = provider != null ? List.of(router.onProvider(provider, body.model()))
                : endpoint.inspectsBody() ? router.resolve(body.model()) : List.of(router.defaultTarget(null));
        List<RouteTarget> targets = ModelRouter.allowedFor(routed,
                ModelRouter.classificationOf(ctx.header("x-aegis-classification"), cfg.secrets().defaultClassification()));
        RouteTarget target = targets.getFirst();
        record.target(target);
        Long outputBudget = endpoint.outputLimitField() == null ? null
                : admission.budgets().admit(key, record.tenant(), record.runId(), cfg.governance(), raw.length, ctx.res());
        if (endpoint.inspectsBody()) {
            admission.credits().reserve(key, target.model(), raw.length, body.maxOutputTokens()).ifPresent(r -> {
                record.reservation(r);
                ctx.res().setHeader("X-Aegis-Credits-Remaining", Money.toUsd(Math.max(0, r.availableNanos()))
                        .stripTrailingZeros().toPlainString());
            });
        }

        boolean askForUsage = endpoint == Endpoint.CHAT_COMPLETIONS;
        boolean hideUsageChunk = askForUsage && body.stream() && !body.includeUsage() && !cfg.streamIncludeUsage();
        UsageExtractor usage = endpoint.usageExtractor(hideUsageChunk);
        record.usage(usage);
        AnswerPreview preview = endpoint.inspectsBody() ? recorder.answerPreview(endpoint == Endpoint.RESPONSES) : null;
        record.answerPreview(preview);

        Integer outputCap = outputBudget == null ? null : (int) Math.min(Integer.MAX_VALUE, outputBudget);
        timeline.sentUpstream();
        RetryingSender.Answer answer = RetryingSender.send(upstream, targets, cfg.retry(), t -> UpstreamCall.build(
                ctx, cfg, t, apiPath, body.forUpstream(
                        new RequestBody.Changes(t.model(), askForUsage, outputCap, endpoint.outputLimitField()))),
                metrics);
        timeline.upstreamHeaders();
        target = answer.target();
        record.target(target);
        HttpResponse<InputStream> response = answer.response();
        Answered.mark(ctx);
        EventTap tap = tap(usage, outputBudget == null ? null : endpoint.cutoff(outputBudget), preview);
        ResponseRelay.relay(ctx.res(), response, target, timeline, record, usage, tap, pricing, cfg.timeouts().idle(),
                () -> record.settle(pricing, admission, cfg.governance()));
    }

    /** Inspects the body and scans it for secrets in one pass; a redacted body is read again. */
    private RequestBody inspect(byte[] raw, AegisConfig cfg) {
        SecretGuard.Scan scan = secrets.scan(cfg.secrets());
        RequestBody body = BodyInspector.inspect(raw, scan == null ? StringVisitor.NONE : scan);
        byte[] checked = scan == null ? raw : scan.result(raw);
        return checked == raw ? body : BodyInspector.inspect(checked);
    }

    /**
     * Every event is read for usage (and, with the prompt log on, for the start of the answer's text);
     * the client sees it unless it is hidden or past a budget's end.
     */
    private static EventTap tap(UsageExtractor usage, BudgetCutoff cutoff, AnswerPreview preview) {
        EventTap tap = cutoff == null ? event -> usage.onEvent(event) ? event.raw() : EventTap.NOTHING
                : event -> cutoff.relay(event, usage.onEvent(event));
        if (preview == null) {
            return tap;
        }
        return event -> {
            preview.onEvent(event);
            return tap.relay(event);
        };
    }
}
