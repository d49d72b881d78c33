package dev.aegis.proxy;

import dev.aegis.config.TimeoutConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The one HTTP client to providers: HTTP/1.1 with pooled keep-alive connections, bodies streamed.
 *
 * <p>Building it sets up TLS (the JDK's default context reads and parses every trusted CA
 * certificate), which is most of a second of a cold daemon's start. So it is built on first use or
 * by {@link #warmUp()}, which the daemon calls once it already answers.
 */
public final class UpstreamClient implements AutoCloseable {

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final TimeoutConfig timeouts;
    private volatile HttpClient client;
    private volatile boolean closed;

    public UpstreamClient(TimeoutConfig timeouts) {
        this.timeouts = timeouts;
    }

    /** Builds the client in the background, so the first call does not wait for it. */
    public void warmUp() {
        Thread.ofVirtual().name("upstream-client-warm-up").start(() -> {
            try {
                client();
            } catch (IllegalStateException e) {
                // closed before it was built: nothing to warm up
            }
        });
    }

    /** Sends the request and returns as soon as the response headers arrive; the body is read as it comes. */
    public HttpResponse<InputStream> send(HttpRequest request) throws IOException, InterruptedException {
        return client().send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c != null) {
            return c;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the upstream client is closed");
            }
            if (client == null) {
                client = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(timeouts.connect())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .executor(executor)
                        .build();
            }
            return client;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (client != null) {
                client.shutdownNow();
            }
        }
        executor.shutdownNow();
    }
}
