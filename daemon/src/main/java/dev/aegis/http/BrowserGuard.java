package dev.aegis.http;

import dev.aegis.config.ServerConfig;
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
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/**
 * The first thing every request meets: the {@link BrowserHeaders} go on its answer, and a request
 * whose {@code Host} is not one of the {@link AllowedHosts} is refused with 421 {@code
 * host_not_allowed} before any route (or the WebSocket refusal) sees it.
 */
final class BrowserGuard implements Filter {

    static final int STATUS = 421;
    static final String CODE = "host_not_allowed";
    private static final String MESSAGE = "this daemon answers only to its own address (127.0.0.1, localhost, [::1] "
            + "or the bound address); add other names this host is reached by to server.allowed_hosts";
    private static final byte[] OPENAI_BODY = ErrorRenderer.body(false, STATUS, CODE, MESSAGE).getBytes(StandardCharsets.UTF_8);
    private static final byte[] ANTHROPIC_BODY = ErrorRenderer.body(true, STATUS, CODE, MESSAGE).getBytes(StandardCharsets.UTF_8);

    private final AllowedHosts hosts;
    private final Duration readTimeout;

    BrowserGuard(ServerConfig server) {
        this.hosts = new AllowedHosts(server);
        this.readTimeout = server.readTimeout();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        BrowserHeaders.addTo(ServletContextRequest.getServletContextRequest(request).getServletContextResponse().getHeaders());
        HttpServletRequest req = (HttpServletRequest) request;
        if (hosts.permits(req.getHeader("Host"))) {
            chain.doFilter(request, response);
            return;
        }
        // Before the answer, which is complete and so sent at once: sent with the body unread, Jetty
        // would close the connection after it without Connection: close (UnreadBodies).
        UnreadBodies.drain(request, UnreadBodies.AT_MOST, readTimeout);
        byte[] body = ErrorRenderer.isAnthropicRoute(req.getRequestURI()) ? ANTHROPIC_BODY : OPENAI_BODY;
        HttpServletResponse res = (HttpServletResponse) response;
        res.setStatus(STATUS);
        res.setContentType("application/json");
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }
}
