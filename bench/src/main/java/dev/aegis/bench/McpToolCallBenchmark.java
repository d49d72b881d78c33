package dev.aegis.bench;

import dev.aegis.cli.bench.BenchGateway;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
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
 * One MCP {@code tools/call} (a 100-character {@code echo}) to a Streamable HTTP MCP server built with
 * the official SDK (its servlet transport on Jetty, in this JVM): straight to the server, against
 * through an Aegis daemon of its own ({@link BenchGateway}: governance on, receipts on, the server
 * approved). Both use the same client (the JDK's HttpClient, one session each, the answer read to its
 * end), so the difference is what the gateway adds: authentication, the allowlist and rate check,
 * the pinned-tools check, the secret scan of arguments and result, one more loopback hop and the
 * call's record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class McpToolCallBenchmark {

    private static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
            + "\"arguments\":{\"text\":\"" + "x".repeat(100) + "\"}}}";

    private Server jetty;
    private McpSyncServer mcp;
    private BenchGateway gateway;
    private HttpClient http;
    private HttpRequest direct;
    private HttpRequest throughGateway;

    @Setup
    public void setUp() throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(McpJsonDefaults.getMapper()).mcpEndpoint("/mcp").build();
        mcp = McpServer.sync(transport).serverInfo("bench", "1")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(SyncToolSpecification.builder()
                        .tool(McpSchema.Tool.builder().name("echo").description("Returns its text")
                                .inputSchema(Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string"))))
                                .build())
                        .callHandler((exchange, req) -> McpSchema.CallToolResult.builder()
                                .addTextContent(String.valueOf(req.arguments().get("text"))).build())
                        .build())
                .build();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(transport), "/mcp");
        jetty.setHandler(context);
        jetty.start();
        String serverUrl = "http://127.0.0.1:" + connector.getLocalPort() + "/mcp";

        gateway = BenchGateway.start("http://127.0.0.1:9/v1", true, System.getenv(),
                "mcp:\n  servers:\n    bench: { url: \"" + serverUrl + "\" }\n");
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String gatewayUrl = "http://127.0.0.1:" + gateway.port() + "/mcp/bench";
        HttpResponse<String> approved = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + "/aegis/v1/mcp/bench/approve"))
                .header("X-Aegis-Control-Token", gateway.controlToken()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (approved.statusCode() != 200) {
            throw new IllegalStateException("approval failed: " + approved.body());
        }
        direct = session(serverUrl, null);
        throughGateway = session(gatewayUrl, gateway.key());
        for (HttpRequest r : new HttpRequest[] {direct, throughGateway}) {
            String body = http.send(r, HttpResponse.BodyHandlers.ofString()).body();
            if (!body.contains("x".repeat(100))) {
                throw new IllegalStateException("the tool call did not answer its text: " + body);
            }
        }
    }

    /** Initializes a session at {@code url} and returns the tools/call request that uses it. */
    private HttpRequest session(String url, String key) throws IOException, InterruptedException {
        HttpRequest.Builder init = request(url, key, null,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}");
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

    @TearDown
    public void tearDown() throws Exception {
        gateway.close();
        mcp.close();
        jetty.stop();
    }
}
