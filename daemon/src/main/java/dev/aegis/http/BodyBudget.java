package dev.aegis.http;

import dev.aegis.config.ServerConfig;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What request bodies may cost: memory, {@code server.max_inflight_body} for all calls together
 * (503 {@code server_busy} beyond it), and time, {@code server.read_timeout} for one body. A
 * call's {@link Claim} grows with the buffer its body is read into and is given back when the call
 * ends, whichever way it ends (this filter's {@code finally}). The calls of one key hold at most
 * half of it together, or one {@code server.max_body} if that is more ({@link Claim#ownedBy}): an outside review's one key dripping bodies over
 * 4,096 connections held all of it, and every other key got 503 for as long as it went on.
 */
public final class BodyBudget implements Filter {

    private static final String BUDGET = "aegis.bodyBudget";
    private static final String CLAIM = "aegis.bodyClaim";

    private final long limit;
    private final long perKey;
    private final Duration readTimeout;
    private final AtomicLong held = new AtomicLong();
    /** What each key's calls hold; one entry a key that has had a body read (authenticated keys only). */
    private final Map<String, AtomicLong> heldByKey = new ConcurrentHashMap<>();

    public BodyBudget(ServerConfig server) {
        this.limit = server.maxInflightBody();
        this.perKey = Math.max(limit / 2, Math.min(limit, server.maxBodyBytes())); // one body of max_body always fits
        this.readTimeout = server.readTimeout();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        request.setAttribute(BUDGET, this);
        try {
            chain.doFilter(request, response);
        } finally {
            if (request.getAttribute(CLAIM) instanceof Claim claim) {
                claim.release();
            }
        }
    }

    /** The daemon's budget for this request; null on a server without it (a bare Javalin in a test). */
    public static BodyBudget of(ServletRequest request) {
        return request.getAttribute(BUDGET) instanceof BodyBudget b ? b : null;
    }

    /** How long the body may take to arrive. */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** Starts counting this request's body; grow it before each allocation. */
    public Claim claim(ServletRequest request) {
        Claim claim = newClaim();
        request.setAttribute(CLAIM, claim);
        return claim;
    }

    /** A claim its caller gives back itself ({@link Claim#release}) when the call ends. */
    public Claim newClaim() {
        return new Claim();
    }

    /** Bytes all calls hold now. */
    long held() {
        return held.get();
    }

    /** One call's share, used by that call's thread only. */
    public final class Claim {

        private long bytes;
        private AtomicLong keyHeld;

        private Claim() {}

        /** Counts this call's share against its key's too, before any of its body is read. */
        public void ownedBy(String keyId) {
            keyHeld = heldByKey.computeIfAbsent(keyId, k -> new AtomicLong());
            keyHeld.addAndGet(bytes);
        }

        /** Raises this call's share to {@code total} bytes; 503 {@code server_busy} when the budget has no room. */
        public void growTo(long total) {
            long more = total - bytes;
            if (held.addAndGet(more) > limit) {
                held.addAndGet(-more);
                throw new ApiException(503, "server_busy", "Aegis holds " + limit + " bytes of request bodies "
                        + "already (server.max_inflight_body); retry shortly");
            }
            if (keyHeld != null && keyHeld.addAndGet(more) > perKey) {
                keyHeld.addAndGet(-more);
                held.addAndGet(-more);
                throw new ApiException(503, "server_busy", "this key's calls hold " + perKey + " bytes of request bodies "
                        + "already, its share of server.max_inflight_body (half, or one server.max_body: no one key may take"
                        + " the rest from the others); retry shortly");
            }
            bytes = total;
        }

        /** Gives the call's share back. */
        public void release() {
            held.addAndGet(-bytes);
            if (keyHeld != null) {
                keyHeld.addAndGet(-bytes);
            }
            bytes = 0;
        }
    }
}
