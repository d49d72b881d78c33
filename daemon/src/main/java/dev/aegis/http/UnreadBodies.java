package dev.aegis.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;

/**
 * Reads away the part of a request body that its answer did not need (a 404, a 401 before the
 * key is read, a 413, a refused Host...), so that the answer reaches the client and the
 * connection stays usable. Otherwise Jetty answers with {@code Connection: close} and closes the
 * connection with the rest of the body still arriving; the kernel resets it when those bytes
 * come, and a client still sending loses the answer: the JDK's HttpClient fails the call with
 * "header parser received no bytes" once its body write is reset, the answer unread in its
 * socket. Under load the body of even a small POST often arrives after the answer is decided.
 *
 * <p>At most {@link #AT_MOST} bytes, within {@code server.read_timeout}, through a small buffer;
 * beyond that Jetty closes the connection and says so ({@code Connection: close}). Not after a 408
 * (the client stalled) nor once the answer is committed (a stream, which read its body). An answer
 * written complete (with its length) is sent at once, before this filter regains control: whoever
 * writes one must {@link #drain} first (BrowserGuard does), or Jetty, finding the body unread after
 * a keep-alive answer, closes the connection without saying so.
 */
public final class UnreadBodies implements Filter {

    /** Bodies larger than this are not read away: the connection is closed instead. */
    public static final long AT_MOST = 64L * 1024 * 1024;

    private final Duration readTimeout;

    UnreadBodies(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request, response);
        if (!response.isCommitted() && ((HttpServletResponse) response).getStatus() != 408) {
            drain(request, AT_MOST, readTimeout);
        }
    }

    /**
     * Reads and drops what is left of the body, up to {@code atMost} bytes in all and until the
     * {@code timeout}; never fails (a client that went away or stalled is Jetty's to close).
     */
    public static void drain(ServletRequest request, long atMost, Duration timeout) {
        long declared = request.getContentLengthLong();
        if (declared == 0 || declared > atMost) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            ServletInputStream in = request.getInputStream();
            if (in.isFinished()) {
                return; // the usual case: the call read its whole body
            }
            byte[] sink = new byte[8192];
            long read = 0;
            for (int r; !in.isFinished() && read < atMost && System.nanoTime() - deadline < 0 && (r = in.read(sink)) >= 0; ) {
                read += r;
            }
        } catch (IOException | RuntimeException e) {
            // the client went away or stalled, or the body was taken as a reader: Jetty closes if it must
        }
    }
}
