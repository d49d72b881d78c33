package dev.aegis.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;
import dev.aegis.watchdog.Watch;
import dev.aegis.watchdog.Watchdogs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * A 429 that says the account's quota is gone (OpenAI's {@code insufficient_quota}): it will not pass
 * by waiting, so it is not retried, and the client is told not to retry it either
 * ({@code x-should-retry: false}, which the OpenAI and Anthropic SDKs obey).
 */
final class QuotaGone {

    /** How much of a 429's body is read to find its error code: provider error bodies are far smaller. */
    private static final int HEAD = 16 * 1024;

    private QuotaGone() {}

    /**
     * The answer as it came when it is not a quota error; else the same answer (its body whole,
     * replayed) with {@code x-should-retry: false}. A 429's body is read ahead to tell.
     */
    static HttpResponse<InputStream> check(HttpResponse<InputStream> response) {
        if (response.statusCode() != 429) {
            return response;
        }
        byte[] head;
        try (Watch limit = Watchdogs.SHARED.watch(RetryingSender.BODY_READ_LIMIT, response.body())) {
            head = response.body().readNBytes(HEAD);
        } catch (IOException e) {
            head = new byte[0]; // the body is broken: what follows reads the same failure
        }
        InputStream body = new SequenceInputStream(new ByteArrayInputStream(head), response.body());
        return new Replayed(response, body, quotaGone(head) ? noRetry(response.headers()) : response.headers());
    }

    /** True when the 429 is a reply of one whose quota is gone, not a rate limit that passes. */
    static boolean is(HttpResponse<InputStream> response) {
        return response.statusCode() == 429
                && response.headers().firstValue("x-should-retry").filter("false"::equalsIgnoreCase).isPresent();
    }

    private static boolean quotaGone(byte[] head) {
        try {
            JsonNode error = Json.mapper().readTree(head).path("error");
            return "insufficient_quota".equals(error.path("code").asText())
                    || "insufficient_quota".equals(error.path("type").asText());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static HttpHeaders noRetry(HttpHeaders headers) {
        Map<String, List<String>> map = new LinkedHashMap<>(headers.map());
        map.keySet().removeIf("x-should-retry"::equalsIgnoreCase);
        map.put("x-should-retry", List.of("false"));
        return HttpHeaders.of(map, (n, v) -> true);
    }

    /** The provider's answer with its body read again from the start and its headers as given. */
    private record Replayed(HttpResponse<InputStream> from, InputStream body, HttpHeaders headers)
            implements HttpResponse<InputStream> {
        @Override
        public int statusCode() {
            return from.statusCode();
        }

        @Override
        public HttpRequest request() {
            return from.request();
        }

        @Override
        public Optional<HttpResponse<InputStream>> previousResponse() {
            return from.previousResponse();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return from.sslSession();
        }

        @Override
        public URI uri() {
            return from.uri();
        }

        @Override
        public HttpClient.Version version() {
            return from.version();
        }
    }
}
