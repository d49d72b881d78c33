package dev.aegis.bench;

import dev.aegis.cli.bench.BenchGateway;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
 * One MCP {@code tools/call} (a 100-character {@code echo}) to a server built with the official SDK
 * ({@link McpEchoServer}): over Streamable HTTP (its servlet transport on Jetty, in this JVM) and over
 * stdio (a process), each straight to the server and through an Aegis daemon of its own
 * ({@link BenchGateway}: governance on, receipts on, the servers approved). The HTTP paths use the same
 * client (the JDK's HttpClient, one session each, the answer read to its end), so the difference is
 * what the gateway adds: authentication, the allowlist and rate check, the pinned-tools check, the
 * secret scan of arguments and result, one more loopback hop and the call's record.
 * {@link dev.aegis.bench.load.McpCallCost} measures the same calls as daemon CPU and context switches
 * per call, and counts the connections the gateway opens to the HTTP server.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class McpToolCallBenchmark {

    private static final String CALL = McpStdioClient.CALL;
    private static final String INIT = McpStdioClient.INIT;

    private McpEchoServer server;
    private McpStdioClient stdio;
    private BenchGateway gateway;
    private HttpClient http;
    private HttpRequest direct;
    private HttpRequest throughGateway;
    private HttpRequest throughGatewayStdio;

    @Setup
    public void setUp() throws Exception {
        server = McpEchoServer.startHttp();
        gateway = BenchGateway.start("http://127.0.0.1:9/v1", true, System.getenv(),
                "mcp:\n  servers:\n    bench: { url: \"" + server.url() + "\" }\n"
                        + "    benchstdio: { command: [\"" + String.join("\", \"", McpEchoServer.stdioCommand()) + "\"] }\n");
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (String name : new String[] {"bench", "benchstdio"}) {
            HttpResponse<String> approved = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.port() + "/aegis/v1/mcp/" + name + "/approve"))
                    .header("X-Aegis-Control-Token", gateway.controlToken()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (approved.statusCode() != 200) {
                throw new IllegalStateException("approval failed: " + approved.body());
            }
        }
        direct = session(server.url(), null);
        throughGateway = session("http://127.0.0.1:" + gateway.port() + "/mcp/bench", gateway.key());
        throughGatewayStdio = session("http://127.0.0.1:" + gateway.port() + "/mcp/benchstdio", gateway.key());
        for (HttpRequest r : new HttpRequest[] {direct, throughGateway, throughGatewayStdio}) {
            String body = http.send(r, HttpResponse.BodyHandlers.ofString()).body();
            if (!body.contains("x".repeat(100))) {
                throw new IllegalStateException("the tool call did not answer its text: " + body);
            }
        }
        stdio = McpStdioClient.start();
    }

    /** Initializes a session at {@code url} and returns the tools/call request that uses it. */
    private HttpRequest session(String url, String key) throws IOException, InterruptedException {
        HttpRequest.Builder init = request(url, key, null, INIT);
        HttpResponse<String> res = http.send(init.build(), HttpResponse.BodyHandlers.ofString());
        String session = res.headers().firstValue("Mcp-Session-Id")
                .orElseThrow(() -> new IllegalStateException("no session from " + url + ": " + res.body()));
        http.send(request(url, key, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").build(),
                HttpResponse.BodyHandlers.discarding());
        return request(url, key, session, CALL).build();
    }

    private static HttpRequest.Builder request(String url, String key, String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2025-11-25")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return b;
    }

    @Benchmark
    public String direct() throws Exception {
        return http.send(direct, HttpResponse.BodyHandlers.ofString()).body();
    }

    @Benchmark
    public String throughGateway() throws Exception {
        return http.send(throughGateway, HttpResponse.BodyHandlers.ofString()).body();
    }

    @Benchmark
    public String directStdio() throws Exception {
        return stdio.call();
    }

    @Benchmark
    public String throughGatewayStdio() throws Exception {
        return http.send(throughGatewayStdio, HttpResponse.BodyHandlers.ofString()).body();
    }

    @TearDown
    public void tearDown() throws Exception {
        stdio.close();
        gateway.close();
        server.close();
    }
}
