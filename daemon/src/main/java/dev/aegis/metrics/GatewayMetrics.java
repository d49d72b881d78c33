package dev.aegis.metrics;

import dev.aegis.http.InFlightRequests;
import dev.aegis.proxy.RetryListener;
import dev.aegis.store.Money;
import dev.aegis.store.UsageRow;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Prometheus metrics of the gateway, scraped at {@code GET /metrics} from loopback only. Labels are
 * routes, providers, models Aegis knows (others are {@code other}), statuses and refusal codes: never
 * a key, a tenant or anything a client can make up without bound.
 */
public final class GatewayMetrics implements RetryListener {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Predicate<String> knownModel;
    // Each call's meters, found by their labels without building Micrometer ids and tags per call.
    private final Map<CallLabels, Counter> callCounters = new ConcurrentHashMap<>();
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    private final Map<String, Timer> firstBytes = new ConcurrentHashMap<>();
    private final Map<String, Timer> upstreamDurations = new ConcurrentHashMap<>();
    private final Map<TokenLabels, Counter> tokenCounters = new ConcurrentHashMap<>();
    private final Map<String, Counter> costs = new ConcurrentHashMap<>();
    private final Map<ToolCallLabels, Counter> toolCalls = new ConcurrentHashMap<>();
    private final Map<String, Timer> toolCallDurations = new ConcurrentHashMap<>();
    private final Timer overhead;
    private LongSupplier frontServed;
    private LongSupplier frontHandedOff;
    private LongSupplier frontNextRequestPolls;
    private LongSupplier frontReadYields;

    private record ToolCallLabels(String server, String tool, String outcome) {}

    private record CallLabels(String route, String provider, String model, int status, boolean streamed) {}

    private record TokenLabels(String kind, String model) {}

    /** @param knownModel models that may appear as a label (priced or configured) */
    public GatewayMetrics(InFlightRequests inFlight, Predicate<String> knownModel) {
        this.knownModel = knownModel;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new GcTimes().bindTo(registry);
        registry.gauge("aegis.requests.in_flight", inFlight, InFlightRequests::active);
        overhead = Timer.builder("aegis.overhead").description("time spent inside Aegis, not waiting on the provider")
                .publishPercentileHistogram().register(registry);
    }

    /**
     * The front's traffic (docs/adr/0007-a-front-of-our-own-for-the-proxy-routes.md): requests it
     * served itself, connections it handed to Jetty (another route, or a request out of the
     * ordinary), the times a connection asked for its client's next request before waiting
     * ({@code server.busy_poll}), and the times it let the other calls at work run before reading it
     * ({@link dev.aegis.http1.YieldFirst}).
     */
    public void bindFront(LongSupplier served, LongSupplier handedOff, LongSupplier nextRequestPolls, LongSupplier readYields) {
        // Micrometer holds a function counter's object weakly: these fields keep the suppliers alive.
        this.frontServed = served;
        this.frontHandedOff = handedOff;
        this.frontNextRequestPolls = nextRequestPolls;
        this.frontReadYields = readYields;
        FunctionCounter.builder("aegis.front.requests", served, LongSupplier::getAsLong)
                .description("requests served by Aegis's own front").register(registry);
        FunctionCounter.builder("aegis.front.handoffs", handedOff, LongSupplier::getAsLong)
                .description("connections the front handed to Jetty").register(registry);
        FunctionCounter.builder("aegis.front.next.request.polls", nextRequestPolls, LongSupplier::getAsLong)
                .description("times a connection asked for its client's next request before waiting (server.busy_poll)")
                .register(registry);
        FunctionCounter.builder("aegis.front.read.yields", readYields, LongSupplier::getAsLong)
                .description("times a connection let the other calls at work run before reading its client's next request")
                .register(registry);
    }

    /** Counts one finished or refused call. */
    public void record(UsageRow row, double overheadMs) {
        String model = row.model() != null && knownModel.test(row.model()) ? row.model() : "other";
        String provider = row.provider() == null ? "none" : row.provider();
        String route = routeLabel(row.route());
        callCounters.computeIfAbsent(new CallLabels(route, provider, model, row.status(), row.streamed()), this::callCounter)
                .increment();
        durations.computeIfAbsent(route, r -> Timer.builder("aegis.request.duration").tag("route", r)
                .publishPercentileHistogram().register(registry)).record(nanos(row.latencyMs()), TimeUnit.NANOSECONDS);
        if (row.firstByteMs() != null) {
            firstBytes.computeIfAbsent(provider, p -> Timer.builder("aegis.first_byte").tag("provider", p)
                    .publishPercentileHistogram().register(registry)).record(nanos(row.firstByteMs()), TimeUnit.NANOSECONDS);
        }
        if (overheadMs >= 0 && row.provider() != null) {
            upstreamDurations.computeIfAbsent(provider, p -> Timer.builder("aegis.upstream.duration")
                    .description("time spent waiting on the provider").tag("provider", p).publishPercentileHistogram()
                    .register(registry)).record(nanos(Math.max(0, row.latencyMs() - overheadMs)), TimeUnit.NANOSECONDS);
        }
        if (overheadMs >= 0) {
            overhead.record(nanos(overheadMs), TimeUnit.NANOSECONDS);
        }
        if (row.errorCode() != null && row.status() >= 400) {
            registry.counter("aegis.refusals", "reason", row.errorCode()).increment();
        }
        secretsFound(row);
        tokens("input", model, row.inputTokens());
        tokens("cached_input", model, row.cachedInputTokens());
        tokens("cache_write", model, row.cacheWriteTokens());
        tokens("output", model, row.outputTokens());
        tokens("reasoning", model, row.reasoningTokens());
        if (row.costNanos() > 0) {
            costs.computeIfAbsent(model, m -> Counter.builder("aegis.cost").baseUnit("usd").tag("model", m)
                    .register(registry)).increment(Money.toUsd(row.costNanos()).doubleValue());
        }
    }

    /**
     * Counts one MCP tool call (its usage row): by server (a configured one), tool (one of the server's
     * approved tools, else {@code other}: a caller may name any tool) and outcome ({@code ok}, or the
     * row's error code), with its latency by server.
     *
     * @param approvedTool whether the tool is among the server's approved (pinned) tools
     */
    public void toolCall(UsageRow row, boolean approvedTool) {
        UsageRow.ToolCall call = row.toolCall();
        ToolCallLabels labels = new ToolCallLabels(call.server(), approvedTool ? call.tool() : "other",
                row.errorCode() == null ? "ok" : row.errorCode());
        toolCalls.computeIfAbsent(labels, l -> registry.counter("aegis.mcp.tool_calls", "server", l.server(), "tool", l.tool(),
                "outcome", l.outcome())).increment();
        toolCallDurations.computeIfAbsent(call.server(), s -> Timer.builder("aegis.mcp.tool_call.duration")
                .description("a tool call through the MCP gateway, from its request to its answer").tag("server", s)
                .publishPercentileHistogram().register(registry)).record(nanos(row.latencyMs()), TimeUnit.NANOSECONDS);
        secretsFound(row);
    }

    private void secretsFound(UsageRow row) {
        row.secrets().counts().forEach((kind, count) ->
                registry.counter("aegis.secrets.found", "kind", kind).increment(count));
    }

    private Counter callCounter(CallLabels l) {
        return registry.counter("aegis.requests", "route", l.route(), "provider", l.provider(), "model", l.model(),
                "status", String.valueOf(l.status()), "streamed", String.valueOf(l.streamed()));
    }

    private static long nanos(double millis) {
        return (long) (millis * 1_000_000);
    }

    @Override
    public void retried(String provider) {
        registry.counter("aegis.retries", "provider", provider).increment();
    }

    @Override
    public void fellBack(String fromProvider) {
        registry.counter("aegis.fallbacks", "provider", fromProvider).increment();
    }

    /**
     * Team mode's background writes of shared counters ({@code budgets},
     * {@code token_rate_limits}): each write's delay from its oldest amount to the commit, how late the other daemons
     * may see this one's spending (docs/TEAM.md's bounds).
     */
    public LongConsumer teamWriteDelays(String counters) {
        Timer timer = Timer.builder("aegis.team.write.delay")
                .description("from a call's tokens being counted to their commit in the shared store")
                .tag("counters", counters).register(registry);
        return ns -> timer.record(ns, TimeUnit.NANOSECONDS);
    }

    /** Key lookups: hits, misses and loads of the key cache. */
    public void monitor(com.github.benmanes.caffeine.cache.Cache<?, ?> cache, String name) {
        io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics.monitor(registry, cache, name);
    }

    private void tokens(String kind, String model, long n) {
        if (n > 0) {
            tokenCounters.computeIfAbsent(new TokenLabels(kind, model),
                    l -> registry.counter("aegis.tokens", "kind", l.kind(), "model", l.model())).increment(n);
        }
    }

    /** The mounts that serve the API below its version as {@code /v1/} does. */
    private static final String[] API_MOUNTS = {"/api/proxy/openai/v1/", "/openai/v1/", "/anthropic/v1/"};

    /**
     * The proxied routes by their API path, whichever mount served them ({@code /openai/v1/responses}
     * and {@code /api/proxy/openai/v1/responses} count as {@code /v1/responses}); anything else under
     * the API is one label.
     */
    static String routeLabel(String route) {
        for (String mount : API_MOUNTS) {
            if (route.startsWith(mount)) {
                return routeLabel("/v1/" + route.substring(mount.length()));
            }
        }
        return switch (route) {
            case "/v1/chat/completions", "/v1/responses", "/v1/completions", "/v1/embeddings", "/v1/messages",
                    "/v1/messages/count_tokens", "/api/proxy/openai", "/api/ai/completion" -> route;
            default -> route.startsWith("/v1/") ? "/v1/other" : "other";
        };
    }

    /** {@code GET /metrics}: the Prometheus text format, for loopback callers only. */
    public void scrape(Context ctx) {
        if (!isLoopback(ctx.req().getRemoteAddr())) {
            ctx.status(404).contentType("application/json")
                    .result("{\"error\":{\"message\":\"metrics are served on loopback only\",\"type\":\"not_found_error\","
                            + "\"code\":\"not_found\",\"param\":null}}");
            return;
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }

    private static boolean isLoopback(String address) {
        try {
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public void close() {
        registry.close();
    }
}
