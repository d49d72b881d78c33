package dev.aegis.proxy;

import dev.aegis.config.AegisConfig;
import dev.aegis.http.ApiException;
import dev.aegis.proxy.http1.MalformedAnswerException;
import dev.aegis.proxy.http1.OutgoingRequest;
import dev.aegis.proxy.providers.ProviderAdapter;
import dev.aegis.proxy.providers.ProviderAdapters;
import dev.aegis.routing.RouteTarget;
import dev.aegis.http.Exchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Set;
import java.util.function.BiConsumer;

/** Builds the provider request (URL, passed-through headers, provider key) and sends it; 502/504 on failure. */
final class UpstreamCall {

    private UpstreamCall() {}

    /** The request for one target, in the protocol {@code translation} leads to. */
    static OutgoingRequest build(Exchange call, AegisConfig cfg, RouteTarget target, Translation translation, String apiPath,
            byte[] body) {
        ProviderAdapter adapter = ProviderAdapters.forType(target.provider().type());
        String query = translation.keepsQuery() ? call.query() : null;
        try {
            OutgoingRequest.Builder b = OutgoingRequest.newBuilder(
                            adapter.uri(target.provider(), translation.upstreamPath(apiPath), query, target.model()))
                    .timeout(cfg.timeouts().firstByte())
                    .method(call.method(), body);
            copyRequestHeaders(call, b);
            translation.addHeaders(b, call.header("anthropic-version"));
            adapter.authorize(b, target.provider());
            return b.build();
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidRequest("the request cannot be forwarded: a header or the URL is invalid");
        }
    }

    /** The client's headers that go to the provider, one {@code name: value} line each (for the secret scanner). */
    static String forwardedHeaders(Exchange call) {
        StringBuilder out = new StringBuilder(256);
        forEachForwarded(call, (name, value) -> out.append(name).append(": ").append(value).append('\n'));
        return out.toString();
    }

    private static void copyRequestHeaders(Exchange call, OutgoingRequest.Builder b) {
        forEachForwarded(call, (name, value) -> {
            try {
                b.header(name, value);
            } catch (IllegalArgumentException e) {
                // A header the HTTP client refuses to send (restricted or malformed): leave it out.
            }
        });
    }

    /** Each value of each client header that goes to the provider ({@link HeaderPolicy#forwardRequestHeader}). */
    private static void forEachForwarded(Exchange call, BiConsumer<String, String> header) {
        Set<String> connectionTokens = HeaderPolicy.connectionTokens(call.header("Connection"));
        for (String name : call.headerNames()) {
            if (HeaderPolicy.forwardRequestHeader(name, connectionTokens)) {
                for (String value : call.headers(name)) {
                    header.accept(name, value);
                }
            }
        }
    }

    /**
     * Sends the request: the answer's head, or an {@link ApiException}, or {@link BrokenAnswer} when the
     * provider answered but its answer's framing is broken (it may have acted on the call).
     */
    static HttpResponse<InputStream> send(UpstreamClient upstream, OutgoingRequest request, RouteTarget target) {
        String provider = target.provider().name();
        try {
            return upstream.send(request);
        } catch (MalformedAnswerException e) {
            throw new BrokenAnswer(ApiException.upstreamBroken(provider, e.getMessage()));
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
        }
    }

    /**
     * The provider answered, so it may have acted on the call, but the answer cannot be read safely: the
     * call ends with {@link #failure()}, neither retried nor sent to a fallback target.
     */
    static final class BrokenAnswer extends RuntimeException {
        private final ApiException failure;

        BrokenAnswer(ApiException failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }

        ApiException failure() {
            return failure;
        }
    }
}
