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
import java.util.Locale;

/**
 * Answers WebSocket upgrade requests with HTTP 426 and closes the connection. Newer Codex tries
 * the Responses API over a WebSocket first; a 426 is the answer that makes it fall back to HTTP
 * streaming at once (anything else costs it retries first). A servlet filter, because Javalin's
 * servlet would otherwise take the upgrade itself and answer with an HTML 404.
 */
final class WebSocketRefusal implements Filter {

    private static final byte[] BODY = ErrorRenderer.body(false, 426, "upgrade_required",
                    "Aegis serves this API over HTTP streaming, not WebSocket; send a plain POST")
            .getBytes(StandardCharsets.UTF_8);

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        String upgrade = req.getHeader("Upgrade");
        if (upgrade == null || !upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletResponse res = (HttpServletResponse) response;
        res.setStatus(426);
        res.setHeader("Connection", "close");
        res.setHeader("Upgrade", "HTTP/1.1");
        res.setContentType("application/json");
        res.setContentLength(BODY.length);
        res.getOutputStream().write(BODY);
    }
}
