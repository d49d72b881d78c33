package dev.aegis.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds the requests that reach the server while the daemon is still starting until its routes are
 * registered ({@link GatewayServer#open}), so that a call made during a start waits for the daemon
 * instead of being told there is no such route. A servlet filter, ahead of Javalin's servlet: Javalin
 * matches a request's route when the request begins, before its own {@code before} handlers run, so
 * a wait there still answered 404 once the routes had come. When the start fails or is stopped
 * first ({@link #closeWithoutRoutes}), the held requests get 503 {@code shutting_down}.
 */
final class RoutesGate implements Filter {

    private static final int STATUS = 503;
    private static final String CODE = "shutting_down";
    private static final String MESSAGE = "Aegis stopped before it was ready (its start failed or it was stopped); "
            + "this call was not taken";

    private final CountDownLatch decided = new CountDownLatch(1);
    private volatile boolean routed;
    /** Requests in the gate: waiting, or being answered 503. Guarded by {@code this}. */
    private int held;

    /** Lets the held requests and all later ones through to the routes, now registered. */
    void open() {
        routed = true;
        decided.countDown();
    }

    /** Answers the held requests, and any later one, 503: the routes will not come. No-op once open. */
    void closeWithoutRoutes() {
        decided.countDown();
    }

    /** Requests held now (for tests). */
    synchronized int waiting() {
        return held;
    }

    /**
     * Waits, at most {@code max}, until every held request has its answer: the server stops only
     * after that, or it would close their connections with nothing said.
     */
    synchronized void awaitAnswered(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        long left;
        while (held > 0 && (left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!routed) { // still starting (wait for the routes), or the routes will not come (answer 503)
            synchronized (this) {
                held++;
            }
            try {
                decided.await();
                if (!routed) {
                    refuse(request, response);
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the server is stopping
                return;
            } finally {
                synchronized (this) {
                    held--;
                    notifyAll();
                }
            }
        }
        chain.doFilter(request, response);
    }

    private static void refuse(ServletRequest request, ServletResponse response) throws IOException {
        byte[] body = ErrorRenderer.body(ErrorRenderer.isAnthropicRoute(((HttpServletRequest) request).getRequestURI()),
                STATUS, CODE, MESSAGE).getBytes(StandardCharsets.UTF_8);
        HttpServletResponse res = (HttpServletResponse) response;
        res.setStatus(STATUS);
        res.setHeader("Connection", "close");
        res.setContentType("application/json");
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
        res.flushBuffer();
    }
}
