package dev.aegis.proxy;

import dev.aegis.config.RetryConfig;
import dev.aegis.http.ApiException;
import dev.aegis.routing.RouteTarget;
import java.io.IOException;
import java.io.InputStream;
import dev.aegis.proxy.http1.OutgoingRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.aegis.watchdog.Watch;
import dev.aegis.watchdog.Watchdogs;

/**
 * Sends a call to its targets in order: each target is retried (up to {@code retry.attempts}, with
 * exponential back-off or the provider's {@code retry-after-ms} / {@code retry-after}) on a
 * connection failure or a retryable status, then the next target of the fallback chain is tried.
 * A 429 whose quota is gone ({@link QuotaGone}) is an answer like any other error, passed through.
 * An answer whose framing is broken ends the call at once (the provider may have acted on it).
 * All of it happens before the first byte reaches the client; the last answer, even an error, is
 * passed through.
 */
final class RetryingSender {

    private static final Logger LOG = LoggerFactory.getLogger(RetryingSender.class);
    private static final Set<Integer> RETRYABLE = Set.of(408, 429, 500, 502, 503, 504, 529);

    /** The answer that goes to the client and the target that gave it. */
    record Answer(RouteTarget target, HttpResponse<InputStream> response) {}

    private RetryingSender() {}

    static Answer send(UpstreamClient upstream, List<RouteTarget> targets, RetryConfig retry,
            Function<RouteTarget, OutgoingRequest> requestFor, RetryListener listener) {
        Requests requests = new Requests(targets, requestFor);
        ApiException lastFailure = null;
        int first = requests.next(0);
        if (first < 0) {
            throw requests.firstRefusal(); // no target's protocol can carry the call
        }
        for (int t = first; t >= 0; t = requests.next(t + 1)) {
            RouteTarget target = targets.get(t);
            boolean lastTarget = requests.next(t + 1) < 0;
            OutgoingRequest request = requests.of(t);
            for (int attempt = 1; ; attempt++) {
                boolean lastAttempt = attempt >= retry.attempts();
                HttpResponse<InputStream> response;
                try {
                    response = UpstreamCall.send(upstream, request, target);
                } catch (UpstreamCall.BrokenAnswer e) {
                    // An answer whose framing is broken: the provider may have acted on the call (and billed
                    // it), so it is not sent again, here or to another target.
                    throw e.failure();
                } catch (ApiException e) {
                    lastFailure = e;
                    if (lastAttempt || !pause(backoff(retry, attempt))) {
                        if (!lastTarget) {
                            listener.fellBack(target.provider().name());
                        }
                        break;
                    }
                    listener.retried(target.provider().name());
                    continue;
                }
                response = QuotaGone.check(response);
                if (!RETRYABLE.contains(response.statusCode()) || QuotaGone.is(response)) {
                    return new Answer(target, response);
                }
                Optional<Duration> wait = lastAttempt ? Optional.empty() : delay(response, retry, attempt);
                if (wait.isPresent()) {
                    discard(response);
                    LOG.info("provider {} answered {}; retrying in {} ms", target.provider().name(), response.statusCode(),
                            wait.get().toMillis());
                    if (!pause(wait.get())) {
                        throw ApiException.upstreamUnavailable(target.provider().name(), "interrupted");
                    }
                    listener.retried(target.provider().name());
                    continue;
                }
                if (lastTarget) {
                    return new Answer(target, response);
                }
                discard(response);
                LOG.info("provider {} answered {}; falling back to the next target", target.provider().name(),
                        response.statusCode());
                listener.fellBack(target.provider().name());
                break;
            }
        }
        throw lastFailure != null ? lastFailure : ApiException.upstreamUnavailable("(none)", "no target answered");
    }

    /**
     * Each target's request, built when first needed; a target whose protocol cannot carry the call
     * (the request's builder refuses it: a translation that would drop what the call asks for) is
     * passed over, so a chain falls back past it and an outage of the targets before it still ends in
     * their last answer, not in the refusal.
     */
    private static final class Requests {
        private final List<RouteTarget> targets;
        private final Function<RouteTarget, OutgoingRequest> requestFor;
        private final OutgoingRequest[] built;
        private final ApiException[] refused;

        Requests(List<RouteTarget> targets, Function<RouteTarget, OutgoingRequest> requestFor) {
            this.targets = targets;
            this.requestFor = requestFor;
            this.built = new OutgoingRequest[targets.size()];
            this.refused = new ApiException[targets.size()];
        }

        /** The first target from {@code from} on that can carry the call; -1 for none. */
        int next(int from) {
            for (int i = from; i < targets.size(); i++) {
                if (built[i] == null && refused[i] == null) {
                    try {
                        built[i] = requestFor.apply(targets.get(i));
                    } catch (ApiException e) {
                        refused[i] = e;
                    }
                }
                if (built[i] != null) {
                    return i;
                }
            }
            return -1;
        }

        OutgoingRequest of(int target) {
            return built[target];
        }

        ApiException firstRefusal() {
            for (ApiException e : refused) {
                if (e != null) {
                    return e;
                }
            }
            return ApiException.upstreamUnavailable("(none)", "no target answered");
        }
    }

    /** How long to wait before the next attempt, or empty when the provider asks for longer than allowed. */
    private static Optional<Duration> delay(HttpResponse<InputStream> response, RetryConfig retry, int attempt) {
        Optional<Duration> asked = response.headers().firstValue("retry-after-ms").flatMap(RetryingSender::millis)
                .or(() -> response.headers().firstValue("retry-after").flatMap(RetryingSender::seconds));
        Duration wait = asked.orElse(backoff(retry, attempt));
        return wait.compareTo(retry.maxDelay()) <= 0 ? Optional.of(wait) : Optional.empty();
    }

    private static Duration backoff(RetryConfig retry, int attempt) {
        long ms = retry.baseDelay().toMillis() << Math.min(20, attempt - 1);
        return Duration.ofMillis(Math.min(ms, retry.maxDelay().toMillis()));
    }

    private static Optional<Duration> millis(String v) {
        try {
            return Optional.of(Duration.ofMillis(Math.max(0, (long) Double.parseDouble(v.strip()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> seconds(String v) {
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.strip()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads away a retried answer's body so its connection can be reused: at most {@link #DISCARD_MOST}
     * bytes within {@link #BODY_READ_LIMIT}. A provider whose error body drips or never ends held the
     * call (and its retries) for ever; past either bound the connection is closed instead.
     */
    private static void discard(HttpResponse<InputStream> response) {
        InputStream in = response.body();
        try (in; Watch limit = Watchdogs.SHARED.watch(BODY_READ_LIMIT, in)) {
            byte[] buf = new byte[8192];
            long read = 0;
            for (int n = in.read(buf); n >= 0 && read < DISCARD_MOST; n = in.read(buf)) {
                read += n;
            }
        } catch (IOException e) {
            // The connection is dropped instead of reused; nothing else to do.
        }
    }

    /** How long reading an error answer's body (to discard it, or to read its code) may take before it is cut. */
    static final Duration BODY_READ_LIMIT = Duration.ofSeconds(10);
    /** Error bodies are a few hundred bytes: past this much one is not drained but its connection closed. */
    private static final long DISCARD_MOST = 1024 * 1024;

    private static boolean pause(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
