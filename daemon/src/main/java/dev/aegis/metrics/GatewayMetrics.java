package dev.aegis.metrics;

import dev.aegis.http.InFlightRequests;
import dev.aegis.proxy.RetryListener;
import dev.aegis.store.Money;
import dev.aegis.store.UsageRow;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Prometheus metrics of the gateway, scraped at {@code GET /metrics} from loopback only. Labels are
 * routes, providers, models Aegis knows (others are {@code other}), statuses and refusal codes: never
 * a key, a tenant or anything a client can make up without bound.
 */
public final class GatewayMetrics implements RetryListener {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Predicate<String> knownModel;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** @param knownModel models that may appear as a label (priced or configured) */
    public GatewayMetrics(InFlightRequests inFlight, Predicate<String> knownModel) {
        this.knownModel = knownModel;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
        registry.gauge("aegis.requests.in_flight", inFlight, InFlightRequests::active);
    }

    /** Counts one finished or refused call. */
    public void record(UsageRow row, double overheadMs) {
        String model = row.model() != null && knownModel.test(row.model()) ? row.model() : "other";
        String provider = row.provider() == null ? "none" : row.provider();
        registry.counter("aegis.requests", "route", routeLabel(row.route()), "provider", provider, "model", model,
                "status", String.valueOf(row.status()), "streamed", String.valueOf(row.streamed())).increment();
        Timer.builder("aegis.request.duration").tag("route", routeLabel(row.route())).publishPercentileHistogram()
                .register(registry).record(Duration.ofNanos((long) (row.latencyMs() * 1_000_000)));
        if (row.firstByteMs() != null) {
            Timer.builder("aegis.first_byte").tag("provider", provider).publishPercentileHistogram()
                    .register(registry).record(Duration.ofNanos((long) (row.firstByteMs() * 1_000_000)));
        }
        if (overheadMs >= 0 && row.provider() != null) {
            Timer.builder("aegis.upstream.duration").description("time spent waiting on the provider")
                    .tag("provider", provider).publishPercentileHistogram().register(registry)
                    .record(Duration.ofNanos((long) (Math.max(0, row.latencyMs() - overheadMs) * 1_000_000)));
        }
        if (overheadMs >= 0) {
            Timer.builder("aegis.overhead").description("time spent inside Aegis, not waiting on the provider")
                    .publishPercentileHistogram().register(registry)
                    .record(Duration.ofNanos((long) (overheadMs * 1_000_000)));
        }
        if (row.errorCode() != null && row.status() >= 400) {
            registry.counter("aegis.refusals", "reason", row.errorCode()).increment();
        }
        row.secrets().counts().forEach((kind, count) ->
                registry.counter("aegis.secrets.found", "kind", kind).increment(count));
        tokens("input", model, row.inputTokens());
        tokens("cached_input", model, row.cachedInputTokens());
        tokens("cache_write", model, row.cacheWriteTokens());
        tokens("output", model, row.outputTokens());
        tokens("reasoning", model, row.reasoningTokens());
        if (row.costNanos() > 0) {
            Counter.builder("aegis.cost").baseUnit("usd").tag("model", model).register(registry)
                    .increment(Money.toUsd(row.costNanos()).doubleValue());
        }
    }

    @Override
    public void retried(String provider) {
        registry.counter("aegis.retries", "provider", provider).increment();
    }

    @Override
    public void fellBack(String fromProvider) {
        registry.counter("aegis.fallbacks", "provider", fromProvider).increment();
    }

    /** Key lookups: hits, misses and loads of the key cache. */
    public void monitor(com.github.benmanes.caffeine.cache.Cache<?, ?> cache, String name) {
        io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics.monitor(registry, cache, name);
    }

    private void tokens(String kind, String model, long n) {
        if (n > 0) {
            registry.counter("aegis.tokens", "kind", kind, "model", model).increment(n);
        }
    }

    /** The proxied routes by their API path; anything else under /v1 is one label. */
    private static String routeLabel(String route) {
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
        gc.close();
        registry.close();
    }
}
