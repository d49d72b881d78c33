package dev.aegis.proxy;

import dev.aegis.config.TimeoutConfig;
import dev.aegis.proxy.http1.Http1Client;
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
 */
public final class UpstreamClient implements AutoCloseable {

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient jdk;
    private final Http1Client http1;

    public UpstreamClient(TimeoutConfig timeouts) {
        this.jdk = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeouts.connect())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
        this.http1 = new Http1Client(timeouts.connect());
    }

    /** Sends the request and returns as soon as the response headers arrive; the body is read as it comes. */
    public HttpResponse<InputStream> send(HttpRequest request) throws IOException, InterruptedException {
        if (http1.handles(request)) {
            return http1.send(request);
        }
        return jdk.send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    @Override
    public void close() {
        http1.close();
        jdk.shutdownNow();
        executor.shutdownNow();
    }
}
