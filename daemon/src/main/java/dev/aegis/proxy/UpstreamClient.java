package dev.aegis.proxy;

import dev.aegis.config.TimeoutConfig;
import dev.aegis.proxy.http1.Http1Client;
import dev.aegis.proxy.http1.OutgoingRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The one HTTP client to providers: HTTP/1.1 with pooled keep-alive connections, bodies streamed.
 * Calls go over {@link Http1Client} (blocking sockets on the calling virtual thread); what it does not
 * handle, e.g. a provider behind a proxy configured for the JVM, goes over the JDK's HttpClient.
 *
 * <p>TLS set-up (the JDK's default context reads and parses every trusted CA certificate) is most of
 * a second of a cold daemon's start, so {@link #warmUp()}, which the daemon calls in the background once
 * it already answers, does it for the first https call. The JDK client itself is built on
 * first use only: most setups never need it, and building it at start cost the idle daemon memory.
 */
public final class UpstreamClient implements AutoCloseable {

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final TimeoutConfig timeouts;
    private final Http1Client http1;
    private volatile HttpClient jdk;
    private volatile boolean closed;

    /**
     * @param busyPoll {@code server.head_busy_poll}: see {@link Http1Client}
     * @param callsAtWork how many calls the daemon is serving now, its own included
     */
    public UpstreamClient(TimeoutConfig timeouts, java.time.Duration busyPoll, java.util.function.IntSupplier callsAtWork) {
        this.timeouts = timeouts;
        this.http1 = new Http1Client(timeouts.connect(), busyPoll, callsAtWork);
    }

    /**
     * Sets up TLS (the JVM's trusted certificates) now, so the first https call does not wait for
     * it: the daemon calls it in the background once it answers (daemon.StartupWarmUp#inBackground).
     */
    public void warmUp() {
        try {
            http1.warmUpTls();
        } catch (IllegalStateException e) {
            // closed before it was built: nothing to warm up
        }
    }

    /** Sends the request and returns as soon as the response headers arrive; the body is read as it comes. */
    public HttpResponse<InputStream> send(HttpRequest request) throws IOException, InterruptedException {
        return send(OutgoingRequest.of(request));
    }

    /** {@link #send(HttpRequest)} for a request the gateway built itself (a model call's). */
    public HttpResponse<InputStream> send(OutgoingRequest request) throws IOException, InterruptedException {
        if (http1.handles(request)) {
            return http1.send(request);
        }
        return jdk().send(request.toHttpRequest(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private HttpClient jdk() {
        HttpClient c = jdk;
        if (c != null) {
            return c;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the upstream client is closed");
            }
            if (jdk == null) {
                jdk = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(timeouts.connect())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .executor(executor)
                        .build();
            }
            return jdk;
        }
    }

    @Override
    public void close() {
        http1.close();
        synchronized (this) {
            closed = true;
            if (jdk != null) {
                jdk.shutdownNow();
            }
        }
        executor.shutdownNow();
    }
}
