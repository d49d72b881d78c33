package dev.aegis.proxy;

import dev.aegis.http.ApiException;
import dev.aegis.http.BodyBudget;
import dev.aegis.http.Exchange;
import dev.aegis.watchdog.Watch;
import dev.aegis.watchdog.Watchdogs;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;

/**
 * Reads a request body up to the configured limit; 413 beyond it, before reading it all. The
 * buffer grows as bytes arrive (a declared length is a promise, not a reason to allocate), each
 * step counted against {@link BodyBudget} (503 {@code server_busy} beyond {@code
 * server.max_inflight_body}). A body still arriving after {@code server.read_timeout} is answered
 * 408 {@code request_timeout}: checked after each read for a client that drips, by Jetty's idle
 * timeout (the same length) for one that stalls, and by the watchdog closing the connection for
 * one that drips and then stalls ({@link #closeGrace} after the timeout, so that one still
 * dripping gets its 408 first).
 */
public final class BodyReader {

    /** The first buffer: most bodies fit, and a client that sends nothing pins no more than this. */
    private static final int FIRST_BUFFER = 64 * 1024;

    /** The longest {@link #closeGrace}. */
    private static final Duration MAX_CLOSE_GRACE = Duration.ofSeconds(1);

    private BodyReader() {}

    /**
     * The request body, up to {@code limit} bytes (413 beyond), within the read timeout and the
     * in-flight budget; decoded when it was sent compressed ({@link ContentCoding}).
     */
    public static byte[] read(Exchange call, long limit) {
        return read(call, limit, null);
    }

    /** @param keyId the caller's key, whose calls together hold at most half the bodies' budget; null for none */
    public static byte[] read(Exchange call, long limit, String keyId) {
        BodyBudget.Claim claim = call.claimBody();
        if (claim != null && keyId != null) {
            claim.ownedBy(keyId);
        }
        byte[] sent = readAsSent(call, limit, claim);
        if (sent.length == 0 || call.header("Content-Encoding") == null) {
            return sent;
        }
        // Every Content-Encoding line counts: two lines are one list of codings, as HTTP reads them.
        String coding = String.join(",", call.headers("Content-Encoding"));
        return ContentCoding.decode(coding, sent, limit, decoded -> {
            if (claim != null) {
                claim.growTo(sent.length + decoded);
            }
        });
    }

    private static byte[] readAsSent(Exchange call, long limit, BodyBudget.Claim claim) {
        long declared = call.declaredLength();
        if (declared > limit) {
            call.discardBody();
            throw ApiException.tooLarge(limit);
        }
        // With a length, read exactly it; without, read one byte past the limit to see it exceeded.
        long target = declared >= 0 ? declared : Math.min(limit, Integer.MAX_VALUE - 16) + 1;
        Duration timeout = call.bodyReadTimeout();
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        Watch watch = timeout == null ? null : Watchdogs.SHARED.watch(timeout.plus(closeGrace(timeout)), call::closeConnection);
        try (InputStream in = call.body()) {
            byte[] bytes = new byte[(int) grow(claim, 0, target)];
            int n = 0;
            while (n < target) {
                if (n == bytes.length) {
                    bytes = Arrays.copyOf(bytes, (int) grow(claim, bytes.length, target));
                }
                int r = in.read(bytes, n, bytes.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
                if (System.nanoTime() > deadline && n < target) {
                    throw tooSlow(timeout);
                }
            }
            if (declared >= 0) {
                if (n < declared) {
                    throw new IOException("the body ended before its Content-Length");
                }
                // Reading on to the end releases the body's last chunk now rather than when the call
                // ends (the connection's request buffer itself stays with it while the call runs:
                // GatewayServer.INPUT_BUFFER). HTTP framing ends the body at its Content-Length.
                in.read();
                return bytes;
            }
            if (n > limit) {
                call.discardBody();
                throw ApiException.tooLarge(limit);
            }
            return n == bytes.length ? bytes : Arrays.copyOf(bytes, n);
        } catch (IOException e) {
            if (watch != null && (watch.fired() || timedOut(e))) {
                throw tooSlow(timeout);
            }
            // Jetty reports a malformed chunk as the body's early end, as it does a client gone mid-body (which reads
            // no answer): the message names both.
            throw ApiException.invalidRequest("could not read the request body: it ended early, or its chunked framing is "
                    + "malformed");
        } finally {
            if (watch != null) {
                watch.close();
            }
        }
    }

    /**
     * How long past the read timeout the watchdog waits before it closes the connection: a client
     * still sending gets its 408 from the check after its next read within this, and only one that
     * has stopped sending is cut off (closing the connection is all that reaches a blocked read).
     * Half the timeout, at most a second.
     */
    static Duration closeGrace(Duration timeout) {
        Duration half = timeout.dividedBy(2);
        return half.compareTo(MAX_CLOSE_GRACE) < 0 ? half : MAX_CLOSE_GRACE;
    }

    /** The next size of a body's buffer: 64 KB first, then double, up to {@code target}. */
    static long nextBuffer(long current, long target) {
        return Math.min(target, Math.max(FIRST_BUFFER, current * 2));
    }

    /** The next buffer size ({@link #nextBuffer}), counted against the budget first. */
    private static long grow(BodyBudget.Claim claim, long current, long target) {
        long next = nextBuffer(current, target);
        if (claim != null) {
            claim.growTo(next);
        }
        return next;
    }

    private static ApiException tooSlow(Duration timeout) {
        return new ApiException(408, "request_timeout", "the request body did not arrive within "
                + timeout.toMillis() + " ms (server.read_timeout)");
    }

    /**
     * The server's read timeout (also {@code server.read_timeout}: Jetty's idle timeout, the front's
     * socket timeout) failed the read of a silent client.
     */
    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
