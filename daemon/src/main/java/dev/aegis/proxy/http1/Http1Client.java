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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
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
 * not handle (a proxy configured for the JVM) are for {@link #handles} to refuse, so the caller can
 * send them with the JDK client.
 *
 * <p>Its exceptions are the JDK client's: {@link HttpConnectTimeoutException}, {@link ConnectException},
 * {@link HttpTimeoutException} when no response head arrives within the request's timeout, other
 * {@link IOException}s for failures before an answer.
 */
public final class Http1Client implements AutoCloseable {

    private static final String USER_AGENT = "Aegis/" + AegisVersion.get();
    /** Interim (1xx) answers accepted before the real one; a provider sends one at most. */
    private static final int MAX_INTERIM = 10;
    /** Methods a server may receive twice with the effect of once (RFC 9110 §9.2.2). */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private final Duration connectTimeout;
    private final ConnectionPool pool = new ConnectionPool();
    private final HeadWait headWait;
    private final Map<Origin, Boolean> direct = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "aegis-upstream-pool");
        t.setDaemon(true);
        return t;
    });
    private volatile SSLSocketFactory tls;

    /**
     * @param busyPoll how long the only call at work asks for an answer's head before it parks ({@link HeadWait})
     * @param callsAtWork how many calls are at work now, the caller's own included
     */
    public Http1Client(Duration connectTimeout, Duration busyPoll, IntSupplier callsAtWork) {
        this(connectTimeout, busyPoll, callsAtWork, null);
    }

    /** @param tls how https connections are made; null for the JVM's default trust and settings */
    Http1Client(Duration connectTimeout, Duration busyPoll, IntSupplier callsAtWork, SSLSocketFactory tls) {
        this.connectTimeout = connectTimeout;
        this.headWait = new HeadWait(busyPoll, callsAtWork);
        this.tls = tls;
        long every = ConnectionPool.IDLE_LIMIT.toMillis() / 2;
        sweeper.scheduleWithFixedDelay(pool::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /** True for http and https URLs reached without a proxy. */
    public boolean handles(OutgoingRequest request) {
        URI uri = request.uri();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
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

    /**
     * Sends the request and returns once the answer's head has arrived; its body is read as it comes.
     *
     * <p>A pooled connection is checked before any byte is written to it ({@link ConnectionPool#take}).
     * If it still fails before any byte of an answer (the provider closed it in the instant between),
     * the request is sent once more on a new connection only when the provider cannot have acted on it:
     * the write itself failed (the connection was already reset, so the provider has at most an
     * incomplete request, which it does not act on), or the method is idempotent (RFC 9110 §9.2.2). A
     * POST that was written whole is not sent again: the failure goes to the caller, whose retry policy
     * decides ({@code retry.attempts}).
     */
    public HttpResponse<java.io.InputStream> send(HttpRequest request) throws IOException, InterruptedException {
        return send(OutgoingRequest.of(request));
    }

    /** {@link #send(HttpRequest)} for a request the gateway built itself. */
    public HttpResponse<java.io.InputStream> send(OutgoingRequest request) throws IOException {
        Origin origin = Origin.of(request.uri());
        ByteBuffer body = ByteBuffer.wrap(request.body());
        byte[] head = head(request, origin, body.remaining());
        Duration timeout = request.timeout();
        Connection conn = pool.take(origin);
        if (conn != null) {
            try {
                return exchange(conn, request, head, body, timeout);
            } catch (StaleConnection e) {
                // The provider had closed this pooled connection before it could act on the request.
            }
        }
        try {
            return exchange(connect(origin), request, head, body, timeout);
        } catch (StaleConnection e) {
            throw e.cause;
        }
    }

    private HttpResponse<java.io.InputStream> exchange(Connection conn, OutgoingRequest request, byte[] head, ByteBuffer body,
            Duration timeout) throws IOException, StaleConnection {
        boolean reused = conn.reused();
        conn.markUsed();
        boolean headRequest = request.method().equals("HEAD");
        boolean written = false;
        boolean answered = false;
        // The answer's head must come within the request's timeout: the watchdog closes the
        // connection otherwise (cheaper than a socket read timeout on a virtual thread, see Watchdogs).
        Watch deadline = timeout == null ? null : Watchdogs.SHARED.watch(timeout, conn::close);
        try {
            conn.write(head, body.array(), body.arrayOffset() + body.position(), body.remaining());
            written = true;
            String statusLine = headWait.statusLine(conn);
            answered = true;
            ResponseHead h = ResponseHead.read(conn, statusLine, headRequest);
            for (int interim = 1; h.status() / 100 == 1; interim++) {
                // interim answers (100 Continue, 103 Early Hints): the real one follows
                if (interim > MAX_INTERIM) {
                    throw new MalformedAnswerException("more than " + MAX_INTERIM + " interim (1xx) answers");
                }
                h = ResponseHead.read(conn, conn.readLine(), headRequest);
            }
            ResponseBody answer = new ResponseBody(conn, h.framing(), h.contentLength(), h.keepAlive(), pool);
            return new Http1Response(request, h.status(), h.headers(), answer, conn.session());
        } catch (IOException e) {
            conn.close();
            if (deadline != null && deadline.fired()) {
                throw new HttpTimeoutException("no answer from the provider within the request's timeout");
            }
            if (reused && !answered && conn.nothingBuffered() && (e instanceof EOFException || e instanceof SocketException)
                    && (!written || IDEMPOTENT.contains(request.method()))) {
                throw new StaleConnection(e);
            }
            throw e;
        } finally {
            if (deadline != null) {
                deadline.close();
            }
        }
    }

    private Connection connect(Origin origin) throws IOException {
        // A socket of a channel, so that an idle connection can be checked with a non-blocking read
        // before it is reused (Connection.quietAndOpen); reads and writes block as a plain socket's do.
        SocketChannel channel = SocketChannel.open();
        Socket socket = channel.socket();
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
                return new Connection(origin, channel, ssl);
            }
            return new Connection(origin, channel, socket);
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
    static byte[] head(OutgoingRequest request, Origin origin, int bodyLength) {
        URI uri = request.uri();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        StringBuilder sb = new StringBuilder(512).append(request.method()).append(' ').append(path);
        if (uri.getRawQuery() != null) {
            sb.append('?').append(uri.getRawQuery());
        }
        sb.append(" HTTP/1.1\r\nHost: ").append(origin.hostHeader()).append("\r\n");
        boolean userAgent = false;
        for (int i = 0; i < request.headerCount(); i++) {
            String name = request.headerName(i);
            userAgent |= name.equalsIgnoreCase("user-agent");
            sb.append(name).append(": ").append(request.headerValue(i)).append("\r\n");
        }
        if (!userAgent) {
            sb.append("User-Agent: ").append(USER_AGENT).append("\r\n");
        }
        String method = request.method();
        if (bodyLength > 0 || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            sb.append("Content-Length: ").append(bodyLength).append("\r\n");
        }
        // One byte a char: a header's value holds chars up to 0xFF only (OutgoingRequest), each a byte the client sent.
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
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
}
