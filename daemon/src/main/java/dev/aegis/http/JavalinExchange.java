package dev.aegis.http;

import dev.aegis.http.BodyBudget.Claim;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/** A call carried by Javalin on Jetty: the {@link Exchange} over its servlet request and response. */
public final class JavalinExchange implements Exchange {

    /** The wait for a refused body's rest on a server without a read timeout (a bare Javalin in a test). */
    private static final Duration NO_READ_TIMEOUT = Duration.ofDays(1);

    private final Context ctx;
    private final HttpServletRequest req;

    private JavalinExchange(Context ctx) {
        this.ctx = ctx;
        this.req = ctx.req();
    }

    public static JavalinExchange of(Context ctx) {
        return new JavalinExchange(ctx);
    }

    @Override
    public String method() {
        return ctx.method().name();
    }

    @Override
    public String path() {
        return ctx.path();
    }

    @Override
    public String query() {
        return ctx.queryString();
    }

    @Override
    public String header(String name) {
        return req.getHeader(name);
    }

    @Override
    public List<String> headers(String name) {
        return Collections.list(req.getHeaders(name));
    }

    @Override
    public List<String> headerNames() {
        return Collections.list(req.getHeaderNames());
    }

    @Override
    public String requestId() {
        return RequestIds.of(ctx);
    }

    @Override
    public RequestTimeline timeline() {
        return RequestTimeline.of(ctx);
    }

    @Override
    public long declaredLength() {
        return req.getContentLengthLong();
    }

    @Override
    public InputStream body() throws IOException {
        return req.getInputStream();
    }

    @Override
    public Claim claimBody() {
        BodyBudget budget = BodyBudget.of(req);
        return budget == null ? null : budget.claim(req);
    }

    @Override
    public Duration bodyReadTimeout() {
        BodyBudget budget = BodyBudget.of(req);
        return budget == null ? null : budget.readTimeout();
    }

    @Override
    public void discardBody() {
        Duration timeout = bodyReadTimeout();
        UnreadBodies.drain(req, UnreadBodies.AT_MOST, timeout == null ? NO_READ_TIMEOUT : timeout);
    }

    @Override
    public void closeConnection() {
        ServletContextRequest.getServletContextRequest(req).getConnectionMetaData().getConnection().getEndPoint().close();
    }

    @Override
    public void status(int status) {
        ctx.res().setStatus(status);
    }

    @Override
    public void setHeader(String name, String value) {
        ctx.res().setHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        ctx.res().addHeader(name, value);
    }

    @Override
    public void contentType(String value) {
        ctx.res().setContentType(value);
    }

    @Override
    public void contentLength(int length) {
        ctx.res().setContentLength(length);
    }

    @Override
    public OutputStream output() throws IOException {
        return ctx.res().getOutputStream();
    }

    @Override
    public OutputStream streamOutput() throws IOException {
        return GatheredOutput.of(ctx.res());
    }

    @Override
    public void answered() {
        Answered.mark(ctx);
    }
}
