package dev.aegis.proxy;

import dev.aegis.auth.Authenticator;
import dev.aegis.config.AegisConfig;
import dev.aegis.http.ApiException;
import dev.aegis.http.InFlightRequests;
import dev.aegis.http.Answered;
import dev.aegis.keys.KeyRecord;
import dev.aegis.proxy.providers.ProviderAdapter;
import dev.aegis.proxy.providers.ProviderAdapters;
import dev.aegis.routing.ModelRouter;
import dev.aegis.routing.RouteTarget;
import dev.aegis.streaming.ForwardResult;
import dev.aegis.streaming.StreamForwarder;
import dev.aegis.streaming.StreamTap;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The spine of a proxied call: read -> route -> forward -> stream back. */
public final class ProxyHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);

    private final Supplier<AegisConfig> config;
    private final UpstreamClient upstream;
    private final InFlightRequests inFlight;
    private final Authenticator authenticator;

    public ProxyHandler(
            Supplier<AegisConfig> config, UpstreamClient upstream, InFlightRequests inFlight, Authenticator authenticator) {
        this.config = config;
        this.upstream = upstream;
        this.inFlight = inFlight;
        this.authenticator = authenticator;
    }

    /**
     * Serves one call.
     *
     * @param apiPath the path below the API version, e.g. {@code /chat/completions}
     */
    public void handle(Context ctx, String apiPath) {
        if (!inFlight.enter()) {
            throw ApiException.shuttingDown();
        }
        try {
            serve(ctx, apiPath);
        } finally {
            inFlight.exit();
        }
    }

    private void serve(Context ctx, String apiPath) {
        RequestTimeline timeline = new RequestTimeline();
        KeyRecord key = authenticator.authenticate(ctx);
        AegisConfig cfg = config.get();
        Endpoint endpoint = Endpoint.of(ctx.method().name(), apiPath);
        byte[] raw = BodyReader.read(ctx, cfg.server().maxBodyBytes());
        RequestBody body = endpoint.inspectsBody() ? BodyInspector.inspect(raw) : RequestBody.opaque(raw);
        ModelRouter router = new ModelRouter(cfg);
        Authenticator.requireModel(key, body.model());
        List<RouteTarget> targets =
                endpoint.inspectsBody() ? router.resolve(body.model()) : List.of(router.defaultTarget(null));
        RouteTarget target = targets.getFirst();

        HttpRequest request = upstreamRequest(ctx, cfg, target, apiPath, body);
        timeline.sentUpstream();
        HttpResponse<InputStream> response = send(request, target);
        timeline.upstreamHeaders();
        Answered.mark(ctx);
        respond(ctx, response, target, timeline);
    }

    private static HttpRequest upstreamRequest(
            Context ctx, AegisConfig cfg, RouteTarget target, String apiPath, RequestBody body) {
        ProviderAdapter adapter = ProviderAdapters.forType(target.provider().type());
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        adapter.uri(target.provider(), apiPath, ctx.queryString(), target.model()))
                .timeout(cfg.timeouts().firstByte());
        byte[] out = body.withModel(target.model());
        String method = ctx.method().name();
        b.method(method, out.length == 0 && !"POST".equals(method)
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(out));
        copyRequestHeaders(ctx.req(), b);
        adapter.authorize(b, target.provider());
        return b.build();
    }

    private static void copyRequestHeaders(HttpServletRequest req, HttpRequest.Builder b) {
        Set<String> connectionTokens = HeaderPolicy.connectionTokens(req.getHeader("Connection"));
        for (String name : Collections.list(req.getHeaderNames())) {
            if (HeaderPolicy.forwardRequestHeader(name, connectionTokens)) {
                for (String value : Collections.list(req.getHeaders(name))) {
                    b.header(name, value);
                }
            }
        }
    }

    private HttpResponse<InputStream> send(HttpRequest request, RouteTarget target) {
        String provider = target.provider().name();
        try {
            return upstream.send(request);
        } catch (HttpConnectTimeoutException e) {
            throw ApiException.upstreamUnavailable(provider, "connection timed out");
        } catch (HttpTimeoutException e) {
            throw ApiException.upstreamTimeout(provider, "no answer within timeouts.first_byte");
        } catch (ConnectException e) {
            throw ApiException.upstreamUnavailable(provider, "connection refused");
        } catch (IOException e) {
            throw ApiException.upstreamUnavailable(provider, "connection failed before an answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.upstreamUnavailable(provider, "interrupted");
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidRequest("the request cannot be forwarded: a header or the URL is invalid");
        }
    }

    private static void respond(
            Context ctx, HttpResponse<InputStream> response, RouteTarget target, RequestTimeline timeline) {
        boolean streamed = response.headers()
                .firstValue("content-type")
                .map(v -> v.toLowerCase(Locale.ROOT).startsWith("text/event-stream"))
                .orElse(false);
        if (streamed) {
            relayStream(ctx.res(), response, target, timeline);
        } else {
            byte[] bytes = readWhole(response, target);
            HttpServletResponse res = ctx.res();
            copyResponseHeaders(res, response, target, timeline);
            res.setContentLength(bytes.length);
            try {
                res.getOutputStream().write(bytes);
            } catch (IOException e) {
                LOG.debug("client went away before the answer was written: {}", e.toString());
            }
        }
    }

    private static void relayStream(
            HttpServletResponse res, HttpResponse<InputStream> response, RouteTarget target, RequestTimeline timeline) {
        copyResponseHeaders(res, response, target, timeline);
        try (InputStream in = response.body()) {
            OutputStream out = res.getOutputStream();
            res.flushBuffer();
            ForwardResult result = StreamForwarder.forward(in, out, StreamTap.NONE);
            if (!result.upstreamComplete()) {
                LOG.warn("stream from provider {} ended early ({} bytes sent)", target.provider().name(),
                        result.bytesToClient());
            }
        } catch (IOException e) {
            LOG.debug("client went away before the stream began: {}", e.toString());
        }
    }

    private static byte[] readWhole(HttpResponse<InputStream> response, RouteTarget target) {
        try (InputStream in = response.body()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw ApiException.upstreamUnavailable(target.provider().name(), "the answer was cut off");
        }
    }

    private static void copyResponseHeaders(
            HttpServletResponse res, HttpResponse<InputStream> response, RouteTarget target, RequestTimeline timeline) {
        res.setStatus(response.statusCode());
        for (Map.Entry<String, List<String>> h : response.headers().map().entrySet()) {
            if (HeaderPolicy.forwardResponseHeader(h.getKey())) {
                for (String v : h.getValue()) {
                    res.addHeader(h.getKey(), v);
                }
            }
        }
        response.headers().firstValue("x-request-id").ifPresent(v -> res.setHeader("X-Upstream-Request-Id", v));
        res.setHeader("X-Aegis-Provider", target.provider().name());
        res.setHeader("X-Aegis-Model", target.model());
        res.setHeader("X-Aegis-Overhead-Ms", overhead(timeline));
    }

    private static String overhead(RequestTimeline timeline) {
        return String.format(Locale.ROOT, "%.3f", timeline.overheadMillis());
    }
}
