package dev.aegis.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds the requests that reach the server while the daemon is still starting until its routes are
 * registered ({@link GatewayServer#open}), so that a call made during a start waits for the daemon
 * instead of being told there is no such route. A servlet filter, ahead of Javalin's servlet: Javalin
 * matches a request's route when the request begins, before its own {@code before} handlers run, so
 * a wait there still answered 404 once the routes had come.
 */
final class RoutesGate implements Filter {

    private final CountDownLatch open = new CountDownLatch(1);
    private final AtomicInteger waiting = new AtomicInteger();

    /** Lets the held requests and all later ones through. */
    void open() {
        open.countDown();
    }

    /** Requests held now (for tests). */
    int waiting() {
        return waiting.get();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (open.getCount() > 0) {
            waiting.incrementAndGet();
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the server is stopping: what follows answers 404
            } finally {
                waiting.decrementAndGet();
            }
        }
        chain.doFilter(request, response);
    }
}
