package dev.aegis.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty answers itself to a request it cannot parse (a broken request line, HTTP/1.1 without
 * {@code Host}, a head over the limit): the error JSON and the {@link BrowserHeaders}, where Jetty's
 * default is an HTML page without them. No route runs for these, so no filter sees them. (On Jetty
 * 12 this is the server's error handler for anything it answers outside the servlet, hence the
 * 5xx case.)
 */
final class BadMessageErrors extends ErrorHandler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String reason = (String) request.getAttribute(ERROR_MESSAGE);
        if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException failure) {
            status = failure.getCode();
            response.setStatus(status);
            if (reason == null) {
                reason = failure.getReason();
            }
        }
        if (status == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505 && reason != null && reason.contains("0.9")) {
            // A request line without a version (a CR LF inside its target, which ends the line early) reads as
            // HTTP/0.9, which Jetty refuses as a version it does not serve: a malformed request line (RFC 9112: 400).
            status = HttpStatus.BAD_REQUEST_400;
            response.setStatus(status);
            reason = "the request line is not METHOD TARGET HTTP/1.x (a CR or LF inside the target?)";
        }
        BrowserHeaders.addTo(response.getHeaders());
        if (HttpStatus.hasNoBody(status) || "HEAD".equals(request.getMethod())) {
            callback.succeeded();
            return true;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        String code = status == 431 ? "request_header_too_large" : status >= 500 ? "internal_error" : "invalid_request";
        String message = "Aegis could not read this HTTP request" + (reason == null ? "" : ": " + reason);
        byte[] body = ErrorRenderer.body(false, status, code, message).getBytes(StandardCharsets.UTF_8);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
