package dev.aegis.bench;

import dev.aegis.cli.bench.BenchRequest;
import dev.aegis.cli.bench.FixedUpstream;
import dev.aegis.proxy.http1.Http1Client;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One upstream call (a 200-byte chat request, the fixed 639-byte answer read to its end) against the
 * benchmark's loopback provider in the same JVM: the JDK's HttpClient as Aegis configured it before
 * (HTTP/1.1, virtual-thread executor, body as an InputStream) against {@link Http1Client}. Both include
 * the provider's own work, which is the same for both.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UpstreamClientBenchmark {

    private FixedUpstream upstream;
    private ExecutorService executor;
    private HttpClient jdk;
    private Http1Client http1;
    private HttpRequest request;

    @Setup
    public void setUp() throws IOException {
        upstream = FixedUpstream.start();
        executor = Executors.newVirtualThreadPerTaskExecutor();
        jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).executor(executor).build();
        http1 = new Http1Client(Duration.ofSeconds(5), dev.aegis.config.ServerConfig.DEFAULT_HEAD_BUSY_POLL, () -> 1);
        byte[] body = BenchRequest.body(false, BenchRequest.DEFAULT_BODY_BYTES);
        request = HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/chat/completions"))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    @TearDown
    public void tearDown() {
        http1.close();
        jdk.shutdownNow();
        executor.shutdownNow();
        upstream.close();
    }

    @Benchmark
    public int jdkHttpClient() throws Exception {
        return drain(jdk.send(request, HttpResponse.BodyHandlers.ofInputStream()));
    }

    @Benchmark
    public int http1Client() throws Exception {
        return drain(http1.send(request));
    }

    private static int drain(HttpResponse<InputStream> r) throws IOException {
        try (InputStream in = r.body()) {
            return in.readAllBytes().length + r.statusCode();
        }
    }
}
