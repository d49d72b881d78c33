package dev.aegis.proxy.http1;

import dev.aegis.control.AegisVersion;
import dev.aegis.watchdog.Watch;
import dev.aegis.watchdog.Watchdogs;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * HTTP/1.1 to providers over blocking sockets with pooled keep-alive connections: the calling
 * (virtual) thread writes the request and reads the answer itself. It does the work of
 * {@code java.net.http.HttpClient} for what Aegis sends (a known body, HTTP/1.1, no redirects, no
 * compression) without its selector thread, futures and hand-offs between threads, which made it the
 * largest cost of a proxied call after the gateway's own work (docs/BENCHMARKS.md). Requests it does
 * not handle (a proxy configured for the JVM, another scheme, a body of unknown length) are for
 * {@link #handles} to refuse, so the caller can send them with the JDK client.
 *
 * <p>Its exceptions are the JDK client's: {@link HttpConnectTimeoutException}, {@link ConnectException},
 * {@link HttpTimeoutException} when no response head arrives within the request's timeout, other
 * {@link IOException}s for failures before an answer.
 */
public final class Http1Client implements AutoCloseable {

    private static final String USER_AGENT = "Aegis/" + AegisVersion.get();

    private final Duration connectTimeout;
    private final ConnectionPool pool = new ConnectionPool();
    private final Map<Origin, Boolean> direct = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "aegis-upstream-pool");
        t.setDaemon(true);
        return t;
    });
    private volatile SSLSocketFactory tls;

    public Http1Client(Duration connectTimeout) {
        this(connectTimeout, null);
    }

    /** @param tls how https connections are made; null for the JVM's default trust and settings */
    Http1Client(Duration connectTimeout, SSLSocketFactory tls) {
        this.connectTimeout = connectTimeout;
        this.tls = tls;
        long every = ConnectionPool.IDLE_LIMIT.toMillis() / 2;
        sweeper.scheduleWithFixedDelay(pool::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /** True for http and https URLs reached without a proxy, with a body of known length. */
    public boolean handles(HttpRequest request) {
        URI uri = request.uri();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            return false;
        }
        if (request.bodyPublisher().map(p -> p.contentLength() < 0).orElse(false)) {
            return false;
        }
        return direct.computeIfAbsent(Origin.of(uri), o -> noProxyFor(uri));
    }

    private static boolean noProxyFor(URI uri) {
        ProxySelector selector = ProxySelector.getDefault();
        if (selector == null) {
            return true;
        }
        List<Proxy> proxies = selector.select(uri);
        return proxies.isEmpty() || proxies.getFirst().type() == Proxy.Type.DIRECT;
    }

    /** Sends the request and returns once the answer's head has arrived; its body is read as it comes. */
    public HttpResponse<java.io.InputStream> send(HttpRequest request) throws IOException, InterruptedException {
        Origin origin = Origin.of(request.uri());
        ByteBuffer body = bodyOf(request);
        byte[] head = head(request, origin, body.remaining());
        Duration timeout = request.timeout().orElse(null);
        Connection conn = pool.take(origin);
        if (conn != null) {
            try {
                return exchange(conn, request, head, body, timeout);
            } catch (StaleConnection e) {
                // The provider had closed this pooled connection before answering: try once on a new one.
            }
        }
        try {
            return exchange(connect(origin), request, head, body, timeout);
        } catch (StaleConnection e) {
            throw e.cause;
        }
    }

    private HttpResponse<java.io.InputStream> exchange(Connection conn, HttpRequest request, byte[] head, ByteBuffer body,
            Duration timeout) throws IOException, StaleConnection {
        boolean reused = conn.reused();
        conn.markUsed();
        // The answer's head must come within the request's timeout: the watchdog closes the
        // connection otherwise (cheaper than a socket read timeout on a virtual thread, see Watchdogs).
        Watch deadline = timeout == null ? null : Watchdogs.SHARED.watch(timeout, conn::close);
        try {
            conn.write(head, body.array(), body.arrayOffset() + body.position(), body.remaining());
            Head h;
            while ((h = Head.read(conn)).status() / 100 == 1 && h.status() != 101) {
                // interim answers (100 Continue, 103 Early Hints): the real one follows
            }
            return new Http1Response(request, h.status(), h.headers(), body(conn, request, h),
                    conn.session());
        } catch (IOException e) {
            conn.close();
            if (deadline != null && deadline.fired()) {
                throw new HttpTimeoutException("no answer from the provider within the request's timeout");
            }
            if (reused && conn.nothingBuffered() && (e instanceof EOFException || e instanceof SocketException)) {
                throw new StaleConnection(e);
            }
            throw e;
        } finally {
            if (deadline != null) {
                deadline.close();
            }
        }
    }

    private ResponseBody body(Connection conn, HttpRequest request, Head h) {
        boolean noBody = request.method().equals("HEAD") || h.status() == 204 || h.status() == 304;
        ResponseBody.Framing framing = noBody ? ResponseBody.Framing.NONE
                : h.chunked() ? ResponseBody.Framing.CHUNKED
                : h.contentLength() >= 0 ? ResponseBody.Framing.LENGTH
                : ResponseBody.Framing.UNTIL_CLOSE;
        return new ResponseBody(conn, framing, h.contentLength(), h.keepAlive(), pool);
    }

    private Connection connect(Origin origin) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(origin.connectHost(), origin.port()), millis(connectTimeout));
            if (origin.tls()) {
                SSLSocket ssl = (SSLSocket) tlsFactory().createSocket(socket, origin.connectHost(), origin.port(), true);
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                params.setApplicationProtocols(new String[] {"http/1.1"});
                ssl.setSSLParameters(params);
                ssl.setSoTimeout(millis(connectTimeout));
                ssl.startHandshake();
                ssl.setSoTimeout(0);
                return new Connection(origin, ssl);
            }
            return new Connection(origin, socket);
        } catch (SocketTimeoutException e) {
            socket.close();
            throw new HttpConnectTimeoutException("connecting to " + origin.hostHeader() + " timed out");
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sets up TLS (the JVM's trusted certificates) ahead of the first https call. */
    public void warmUpTls() {
        try {
            tlsFactory();
        } catch (IOException e) {
            // the first https call reports it
        }
    }

    private SSLSocketFactory tlsFactory() throws IOException {
        SSLSocketFactory f = tls;
        if (f == null) {
            try {
                f = SSLContext.getDefault().getSocketFactory();
            } catch (NoSuchAlgorithmException e) {
                throw new IOException("no TLS available in this Java runtime", e);
            }
            tls = f;
        }
        return f;
    }

    /** The request line and headers: the request's own, plus Host, Content-Length and a User-Agent if none. */
    static byte[] head(HttpRequest request, Origin origin, int bodyLength) {
        URI uri = request.uri();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        StringBuilder sb = new StringBuilder(512).append(request.method()).append(' ').append(path);
        if (uri.getRawQuery() != null) {
            sb.append('?').append(uri.getRawQuery());
        }
        sb.append(" HTTP/1.1\r\nHost: ").append(origin.hostHeader()).append("\r\n");
        boolean userAgent = false;
        for (Map.Entry<String, List<String>> h : request.headers().map().entrySet()) {
            userAgent |= h.getKey().equalsIgnoreCase("user-agent");
            for (String v : h.getValue()) {
                sb.append(h.getKey()).append(": ").append(v).append("\r\n");
            }
        }
        if (!userAgent) {
            sb.append("User-Agent: ").append(USER_AGENT).append("\r\n");
        }
        String method = request.method();
        if (bodyLength > 0 || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            sb.append("Content-Length: ").append(bodyLength).append("\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The body's bytes. The publishers Aegis uses ({@code ofByteArray}, {@code noBody}) hand over their
     * buffer at once when subscribed to, wrapping the array they were given, so nothing is copied.
     */
    static ByteBuffer bodyOf(HttpRequest request) throws IOException, InterruptedException {
        Optional<HttpRequest.BodyPublisher> publisher = request.bodyPublisher();
        if (publisher.isEmpty() || publisher.get().contentLength() == 0) {
            return ByteBuffer.wrap(new byte[0]);
        }
        CompletableFuture<ByteBuffer> result = new CompletableFuture<>();
        publisher.get().subscribe(new Flow.Subscriber<>() {
            private final List<ByteBuffer> parts = new ArrayList<>(1);

            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                parts.add(item);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                result.complete(join(parts));
            }
        });
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw new IOException("the request body could not be read", e.getCause());
        }
    }

    private static ByteBuffer join(List<ByteBuffer> parts) {
        if (parts.size() == 1 && parts.getFirst().hasArray()) {
            return parts.getFirst();
        }
        int total = parts.stream().mapToInt(ByteBuffer::remaining).sum();
        ByteBuffer all = ByteBuffer.allocate(total);
        parts.forEach(all::put);
        return all.flip();
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        pool.close();
    }

    /** A reused connection failed before any byte of an answer: the provider had closed it. */
    private static final class StaleConnection extends Exception {
        final IOException cause;

        StaleConnection(IOException cause) {
            super(null, cause, false, false);
            this.cause = cause;
        }
    }

    /** A response head: status, headers, and what frames the body. */
    record Head(int status, HttpHeaders headers, long contentLength, boolean chunked, boolean keepAlive) {

        static Head read(Connection conn) throws IOException {
            String statusLine = conn.readLine();
            if (!statusLine.startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x answer from the provider");
            }
            int status;
            try {
                status = Integer.parseInt(statusLine, 9, 12, 10);
            } catch (RuntimeException e) {
                throw new IOException("an invalid status line from the provider");
            }
            boolean http10 = statusLine.startsWith("HTTP/1.0");
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            long length = -1;
            boolean chunked = false;
            String connection = null;
            String line;
            while (!(line = conn.readLine()).isEmpty()) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                headers.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
                if (name.equalsIgnoreCase("content-length")) {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IOException("an invalid Content-Length from the provider");
                    }
                } else if (name.equalsIgnoreCase("transfer-encoding")) {
                    chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
                } else if (name.equalsIgnoreCase("connection")) {
                    connection = value.toLowerCase(Locale.ROOT);
                }
            }
            boolean keepAlive = http10 ? connection != null && connection.contains("keep-alive")
                    : connection == null || !connection.contains("close");
            return new Head(status, HttpHeaders.of(headers, (n, v) -> true), length, chunked, keepAlive);
        }
    }
}
