package dev.aegis.proxy.http1;

import dev.aegis.http1.Tchar;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A request to a provider as the gateway makes it: method, URL, headers in the order they were added,
 * the body's bytes and the time its answer's head may take. What {@code java.net.http.HttpRequest}
 * holds for {@link Http1Client}, without what a call paid for it: a builder that copies its headers
 * into a sorted map of lists, and the body taken back out of a {@code BodyPublisher} through a
 * {@code Flow} subscription. A call arriving at an idle daemon runs its code about ten times slower
 * than one under load (the caches are cold), and building the provider request through
 * {@code java.net.http} was its largest step (≈ 60 µs of a ≈ 240 µs way in,
 * docs/benchmarks/run-2026-12-06-0230-writers-and-cold-steps.md).
 *
 * <p>Headers are checked as {@code HttpRequest.Builder} checks them (an RFC 9110 token for the name;
 * visible characters, space and tab for the value, nothing past U+00FF; none of the headers the
 * client sets itself), with the same {@link IllegalArgumentException}, so a value can never end the
 * head early or add a header. {@link #toHttpRequest} gives the same request to the JDK's client.
 */
public final class OutgoingRequest {

    /** The headers the HTTP client sets itself and refuses from its caller (as {@code java.net.http} does). */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");
    private static final byte[] NO_BODY = new byte[0];

    private final String method;
    private final URI uri;
    /** Name, value, name, value, … */
    private final String[] headers;
    private final int headerCount;
    private final byte[] body;
    private final Duration timeout;

    private OutgoingRequest(Builder b) {
        this.method = b.method;
        this.uri = b.uri;
        this.headers = b.headers;
        this.headerCount = b.count / 2;
        this.body = b.body;
        this.timeout = b.timeout;
    }

    /** @throws IllegalArgumentException for a URL that is not http or https with a host (as {@code HttpRequest}) */
    public static Builder newBuilder(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("unsupported URI " + uri);
        }
        return new Builder(uri);
    }

    /**
     * The same request from an {@code HttpRequest} (the MCP transport's, tests'): its headers in their
     * map's order, its body read from its publisher.
     */
    public static OutgoingRequest of(HttpRequest request) throws IOException, InterruptedException {
        Builder b = newBuilder(request.uri());
        ByteBuffer body = Http1Client.bodyOf(request);
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        b.method(request.method(), bytes);
        request.timeout().ifPresent(b::timeout);
        for (Map.Entry<String, List<String>> h : request.headers().map().entrySet()) {
            for (String v : h.getValue()) {
                b.add(h.getKey(), v);
            }
        }
        return b.build();
    }

    public String method() {
        return method;
    }

    public URI uri() {
        return uri;
    }

    /** The body's bytes (not copied: not to be changed). */
    public byte[] body() {
        return body;
    }

    /** How long the answer's head may take; null for no limit. */
    public Duration timeout() {
        return timeout;
    }

    public int headerCount() {
        return headerCount;
    }

    public String headerName(int i) {
        return headers[2 * i];
    }

    public String headerValue(int i) {
        return headers[2 * i + 1];
    }

    /** The same request for {@code java.net.http.HttpClient} (a provider behind a proxy, another scheme). */
    public HttpRequest toHttpRequest() {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, body.length == 0 && !"POST".equals(method)
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (timeout != null) {
            b.timeout(timeout);
        }
        for (int i = 0; i < headerCount; i++) {
            b.header(headerName(i), headerValue(i));
        }
        return b.build();
    }

    @Override
    public String toString() {
        return method + " " + uri;
    }

    /** Builds a request; {@link #header} refuses what {@code HttpRequest.Builder#header} refuses. */
    public static final class Builder {
        private final URI uri;
        private String method = "GET";
        private byte[] body = NO_BODY;
        private Duration timeout;
        private String[] headers = new String[32];
        private int count;

        private Builder(URI uri) {
            this.uri = uri;
        }

        /** @param body the body's bytes, not copied (empty for none) */
        public Builder method(String method, byte[] body) {
            if (!Tchar.token(method) || method.equals("CONNECT")) {
                throw new IllegalArgumentException("invalid method: \"" + method + "\"");
            }
            this.method = method;
            this.body = body == null ? NO_BODY : body;
            return this;
        }

        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("invalid timeout: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Adds a header after those already added.
         *
         * @throws IllegalArgumentException for a name that is not a token or is one the client sets
         *     itself, or a value with a character other than visible ones, space and tab up to U+00FF
         */
        public Builder header(String name, String value) {
            if (!Tchar.token(name)) {
                throw new IllegalArgumentException("invalid header name: \"" + name + "\"");
            }
            if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("restricted header name: \"" + name + "\"");
            }
            if (!validValue(value)) {
                throw new IllegalArgumentException("invalid header value for " + name);
            }
            return add(name, value);
        }

        /** A header the JDK's builder already checked. */
        private Builder add(String name, String value) {
            if (count == headers.length) {
                headers = Arrays.copyOf(headers, 2 * headers.length);
            }
            headers[count++] = name;
            headers[count++] = value;
            return this;
        }

        public OutgoingRequest build() {
            return new OutgoingRequest(this);
        }
    }

    /** Visible characters (0x21–0xFF but DEL), space and tab: no CR or LF, nothing that ends a line. */
    private static boolean validValue(String value) {
        if (value == null) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != ' ' && c != '\t' && (c < 0x21 || c == 0x7F || c > 0xFF)) {
                return false;
            }
        }
        return true;
    }
}
