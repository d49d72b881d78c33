package dev.aegis.proxy;

import dev.aegis.admission.Admission;
import dev.aegis.admission.BudgetTracker;
import dev.aegis.admission.RateLimitGuard;
import dev.aegis.auth.AgentHeaders;
import dev.aegis.auth.CallerScope;
import dev.aegis.config.GovernanceConfig;
import dev.aegis.events.EventBus;
import dev.aegis.keys.KeyRecord;
import dev.aegis.metrics.GatewayMetrics;
import dev.aegis.pricing.Cost;
import dev.aegis.pricing.Pricing;
import dev.aegis.promptlog.AnswerPreview;
import dev.aegis.records.CallRecorder;
import dev.aegis.records.Exchange;
import dev.aegis.routing.RouteTarget;
import dev.aegis.store.AgentSession;
import dev.aegis.store.Money;
import dev.aegis.store.Reservation;
import dev.aegis.store.SecretFindings;
import dev.aegis.store.UsageRow;
import dev.aegis.usage.TokenUsage;
import dev.aegis.usage.UsageExtractor;
import java.util.function.UnaryOperator;

/** What one call did, filled in as it goes and turned into its usage row at the end. */
final class CallRecord {

    private final long startMillis = System.currentTimeMillis();
    private final long startNanos = System.nanoTime();
    private final String requestId;
    private String route;
    private KeyRecord key;
    private String tenant;
    private String runId;
    private AgentSession agentSession = AgentSession.NONE;
    private String modelRequested;
    private String serviceTierAsked;
    private RouteTarget target;
    private int status = 500;
    private String errorCode;
    private UsageExtractor usage;
    private Double firstByteMs;
    private boolean streamed;
    private boolean complete = true;
    private Cost cost;
    private Reservation reservation;
    private BudgetTracker.Hold budgetHold;
    private RateLimitGuard.TokenHold tokenHold;
    private double overheadMs = -1;
    private boolean settled;
    private byte[] requestBody;
    private byte[] responseBody;
    private String responseSha256;
    private SecretFindings secrets = SecretFindings.NONE;
    private boolean modelCall;
    /** A call the provider bills, whose answer reports its usage. */
    private boolean billed;
    private AnswerPreview answerPreview;

    CallRecord(String requestId, String route) {
        this.requestId = requestId;
        this.route = route;
    }

    /** The route in its canonical spelling, once the path is known to have one ({@link CanonicalPath}). */
    void route(String canonical) {
        this.route = canonical;
    }

    /**
     * The caller's key, and the tenant and run its headers name within what the key allows; a refused
     * call is recorded under the key's own.
     */
    void caller(KeyRecord key, String tenantHeader, String runHeader) {
        this.key = key;
        this.tenant = key.tenant();
        this.runId = key.runId();
        CallerScope scope = CallerScope.of(key, tenantHeader, runHeader);
        this.tenant = scope.tenant();
        this.runId = scope.run();
    }

    /** The coding agent's session, sub-agent and client, from its headers ({@link AgentHeaders}). */
    void agentSession(UnaryOperator<String> headers) {
        this.agentSession = AgentHeaders.of(headers);
    }

    String sessionId() {
        return agentSession.sessionId();
    }

    String tenant() {
        return tenant;
    }

    String runId() {
        return runId;
    }

    void requestBody(byte[] body) {
        this.requestBody = body;
    }

    void responseBody(byte[] body) {
        this.responseBody = body;
    }

    void responseSha256(String sha) {
        this.responseSha256 = sha;
    }

    void secrets(SecretFindings found) {
        this.secrets = found;
    }

    /** The API called: model APIs (those whose body Aegis reads) go to the prompt log. */
    void endpoint(Endpoint endpoint) {
        this.modelCall = endpoint.inspectsBody();
        this.billed = endpoint.billed();
    }

    /** Collects the start of a streamed answer's text for the prompt log. */
    void answerPreview(AnswerPreview preview) {
        this.answerPreview = preview;
    }

    void reservation(Reservation r) {
        this.reservation = r;
    }

    void budgetHold(BudgetTracker.Hold hold) {
        this.budgetHold = hold;
    }

    void tokenHold(RateLimitGuard.TokenHold hold) {
        this.tokenHold = hold;
    }

    /**
     * Counts the call against limits, budgets and credits, once. Called before the answer is
     * completed, so the client's next call already sees what this one spent.
     */
    private boolean recorded;

    void settle(Pricing pricing, Admission admission, GovernanceConfig governance) {
        if (!settled) {
            settled = true;
            admission.settle(key, governance, tenant, runId, agentSession.sessionId(), tokenHold, budgetHold, reservation,
                    toRow(pricing), noUsage());
        }
    }

    /**
     * Settles the call and hands its record to the recorder, metrics and live events, once: a call is
     * recorded before its answer completes, so whoever has the whole answer can already flush its row.
     */
    void recordTo(CallRecorder recorder, Pricing pricing, Admission admission, GovernanceConfig governance,
            GatewayMetrics metrics, EventBus events) {
        if (recorded) {
            return;
        }
        recorded = true;
        settle(pricing, admission, governance);
        UsageRow row = toRow(pricing);
        // Metrics and live events first: once the row is in the database, everything else has seen the call.
        metrics.record(row, overheadMs);
        events.publish(row, key == null ? null : key.name());
        recorder.record(row, new Exchange(requestBody, responseBody, responseSha256,
                streamed && answerPreview != null ? answerPreview.text() : null, modelCall));
    }

    void overhead(double ms) {
        this.overheadMs = ms;
    }

    void requested(String model) {
        this.modelRequested = model;
    }

    /** The {@code service_tier} the body asks for: the call's price when its answer names no tier. */
    void serviceTierAsked(String serviceTier) {
        this.serviceTierAsked = serviceTier;
    }

    void target(RouteTarget target) {
        this.target = target;
    }

    void usage(UsageExtractor extractor) {
        this.usage = extractor;
    }

    void answered(int status) {
        this.status = status;
        if (status >= 400 && errorCode == null) {
            errorCode = "upstream_" + status;
        }
    }

    void refused(int status, String code) {
        this.status = status;
        this.errorCode = code;
    }

    void firstByte() {
        if (firstByteMs == null) {
            firstByteMs = (System.nanoTime() - startNanos) / 1_000_000.0;
        }
    }

    void streamed(boolean complete) {
        this.streamed = true;
        this.complete = complete;
    }

    /** Prices the usage seen (once) and returns the cost. */
    Cost price(Pricing pricing) {
        if (cost == null) {
            TokenUsage u = usage == null ? TokenUsage.NONE : usage.usage();
            cost = target == null ? new Cost(java.math.BigDecimal.ZERO, false, pricing.version())
                    : pricing.cost(target.model(), u, usage == null ? null : usage.serviceTier(), serviceTierAsked);
        }
        return cost;
    }

    /**
     * A billed call answered without any usage (a server that ignores include_usage, a stream cut before its
     * usage): flagged unpriced, a key with credits pays what was reserved for it, and its limits and budgets
     * count what it held ({@link Admission#settle}).
     */
    private boolean noUsage() {
        TokenUsage u = usage == null ? TokenUsage.NONE : usage.usage();
        return billed && status / 100 == 2 && target != null && u.total() == 0;
    }

    /** What the call costs its key: its usage at its model's prices, or its reservation when it has no usage. */
    java.math.BigDecimal costUsd(Pricing pricing) {
        return noUsage() && reservation != null ? Money.toUsd(reservation.amountNanos()).stripTrailingZeros() : price(pricing).usd();
    }

    UsageRow toRow(Pricing pricing) {
        Cost c = price(pricing);
        TokenUsage u = usage == null ? TokenUsage.NONE : usage.usage();
        boolean noUsage = noUsage();
        boolean unpriced = c.unpriced() && u.total() > 0 || noUsage;
        long costNanos = Money.callCostNanos(costUsd(pricing));
        return new UsageRow(startMillis, requestId, key == null ? null : key.id(), tenant, runId, route, modelRequested,
                target == null ? null : target.model(), target == null ? null : target.provider().name(), status,
                errorCode, u.input(), u.cachedInput(), u.cacheWrite(), u.output(), u.reasoning(),
                costNanos, unpriced, c.priceVersion(), (System.nanoTime() - startNanos) / 1_000_000.0,
                firstByteMs, streamed, complete, secrets, agentSession);
    }
}
