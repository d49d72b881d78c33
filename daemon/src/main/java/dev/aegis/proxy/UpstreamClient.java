package dev.aegis.proxy;

import dev.aegis.config.TimeoutConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The one HTTP client to providers: HTTP/1.1 with pooled keep-alive connections, bodies streamed. */
public final class UpstreamClient implements AutoCloseable {

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client;

    public UpstreamClient(TimeoutConfig timeouts) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeouts.connect())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    /** Sends the request and returns as soon as the response headers arrive; the body is read as it comes. */
    public HttpResponse<InputStream> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    @Override
    public void close() {
        client.shutdownNow();
        executor.shutdownNow();
    }
}
