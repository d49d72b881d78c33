package dev.aegis.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * What Jetty answers itself to a request it cannot parse (a broken request line, HTTP/1.1 without
 * {@code Host}, a head over the limit): the error JSON and the {@link BrowserHeaders}, where Jetty's
 * default is an HTML page without them. No route runs for these, so no filter sees them.
 */
final class BadMessageErrors extends ErrorHandler {

    BadMessageErrors() {
        setCacheControl("no-store");
        setShowStacks(false);
        setShowServlet(false);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        BrowserHeaders.addTo(fields);
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        String code = status == 431 ? "request_header_too_large" : "bad_request";
        String message = "Aegis could not read this HTTP request" + (reason == null ? "" : ": " + reason);
        return ByteBuffer.wrap(ErrorRenderer.body(false, status, code, message).getBytes(StandardCharsets.UTF_8));
    }
}
