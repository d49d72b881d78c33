package dev.aegis.bench.load;

import dev.aegis.bench.McpEchoServer;
import dev.aegis.bench.McpStdioClient;
import dev.aegis.cli.bench.BenchGateway;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one MCP {@code tools/call} (a 100-character {@code echo}) costs, one call after another: to the
 * SDK's Streamable HTTP server and to its stdio server directly, and to each through an Aegis daemon of
 * its own (governance and receipts on). Per call: the wall-clock median and 90th percentile, the
 * daemon's CPU time and voluntary context switches (from {@code /proc}, less sensitive to other work
 * on the machine than the wall clock), and how many TCP connections the HTTP server accepted (a client
 * that reuses its connection opens none). The paths take turns, {@code rounds} times.
 *
 * <p>Run: {@code java -cp bench/target/aegis-benchmarks.jar dev.aegis.bench.load.McpCallCost [rounds]
 * [calls]}. JVM options for the daemon go in {@code AEGIS_DAEMON_OPTS}. Linux only.
 */
public final class McpCallCost {

    private static final String TEXT = McpStdioClient.TEXT;
    private static final String CALL = McpStdioClient.CALL;
    private static final String INIT = McpStdioClient.INIT;
    private static final String INITIALIZED = McpStdioClient.INITIALIZED;
    private static final long TICK_MICROS = 10_000;

    /** One way of making the call. */
    private interface Route extends AutoCloseable {
        String call() throws Exception;

        @Override
        default void close() {}
    }

    private McpCallCost() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        String stdio = String.join("\", \"", McpEchoServer.stdioCommand());
        try (McpEchoServer http = McpEchoServer.startHttp();
             BenchGateway gateway = BenchGateway.start("http://127.0.0.1:9/v1", true, System.getenv(),
                     "mcp:\n  servers:\n    bench: { url: \"" + http.url() + "\" }\n"
                             + "    benchstdio: { command: [\"" + stdio + "\"] }\n")) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (String server : List.of("bench", "benchstdio")) {
                HttpResponse<String> approved = client.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + gateway.port() + "/aegis/v1/mcp/" + server + "/approve"))
                        .header("X-Aegis-Control-Token", gateway.controlToken()).POST(HttpRequest.BodyPublishers.noBody())
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (approved.statusCode() != 200) {
                    throw new IllegalStateException("approving " + server + " failed: " + approved.body());
                }
            }
            Map<String, Route> paths = new LinkedHashMap<>();
            paths.put("http direct", httpPath(client, http.url(), null));
            paths.put("http via Aegis", httpPath(client, "http://127.0.0.1:" + gateway.port() + "/mcp/bench", gateway.key()));
            paths.put("stdio direct", stdioPath());
            paths.put("stdio via Aegis", httpPath(client, "http://127.0.0.1:" + gateway.port() + "/mcp/benchstdio", gateway.key()));
            System.out.println("daemon pid " + gateway.pid() + ", load average " + MachineInfo.loadAverage());
            for (var p : paths.entrySet()) { // warm-up: the JIT compiles every path first
                run(p.getKey(), "warm-up", p.getValue(), calls, gateway, http, false);
            }
            for (int r = 1; r <= rounds; r++) {
                for (var p : paths.entrySet()) {
                    run(p.getKey(), "round " + r, p.getValue(), calls, gateway, http,
                            r == rounds && p.getKey().contains("Aegis"));
                }
            }
            System.out.println("load average " + MachineInfo.loadAverage());
            paths.values().forEach(Route::close);
        }
        System.exit(0);
    }

    private static void run(String name, String label, Route route, int calls, BenchGateway gateway, McpEchoServer http,
            boolean perThread) throws Exception {
        CallCost.Reading before = CallCost.read(gateway.pid());
        long connections = http.connectionsOpened();
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long t = System.nanoTime();
            String answer = route.call();
            nanos[i] = System.nanoTime() - t;
            if (!answer.contains(TEXT)) {
                throw new IllegalStateException(name + ": the tool call did not answer its text: " + answer);
            }
        }
        CallCost.Reading after = CallCost.read(gateway.pid());
        long voluntary = 0;
        StringBuilder threads = new StringBuilder();
        for (var e : after.threads().entrySet()) {
            long[] a = e.getValue();
            long[] b = before.threads().getOrDefault(e.getKey(), new long[3]);
            voluntary += a[0] - b[0];
            if (perThread && a[2] - b[2] > 0) {
                threads.append(String.format("    %-28s voluntary/call %6.2f  CPU/call %7.1f us%n", e.getKey(),
                        (a[0] - b[0]) / (double) calls, (a[2] - b[2]) * (double) TICK_MICROS / calls));
            }
        }
        long ticks = after.userTicks() + after.systemTicks() - before.userTicks() - before.systemTicks();
        Arrays.sort(nanos);
        System.out.printf("%-16s %-8s p50 %7.1f us  p90 %7.1f us  p99 %8.1f us  daemon CPU/call %6.1f us"
                        + "  voluntary switches/call %5.2f  server connections/call %.3f%n",
                name, label, nanos[calls / 2] / 1e3, nanos[calls * 9 / 10] / 1e3, nanos[calls * 99 / 100] / 1e3,
                ticks * (double) TICK_MICROS / calls, voluntary / (double) calls,
                (http.connectionsOpened() - connections) / (double) calls);
        System.out.print(threads);
    }

    /** Initializes a session at {@code url}; the path sends the tools/call in it. */
    private static Route httpPath(HttpClient client, String url, String key) throws IOException, InterruptedException {
        HttpResponse<String> init = client.send(request(url, key, null, INIT), HttpResponse.BodyHandlers.ofString());
        String session = init.headers().firstValue("Mcp-Session-Id")
                .orElseThrow(() -> new IllegalStateException("no session from " + url + ": " + init.body()));
        client.send(request(url, key, session, INITIALIZED), HttpResponse.BodyHandlers.discarding());
        HttpRequest call = request(url, key, session, CALL);
        return () -> client.send(call, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static HttpRequest request(String url, String key, String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2025-06-18").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return b.build();
    }

    /** The stdio server as a process of this benchmark's own, one JSON-RPC line each way. */
    private static Route stdioPath() throws IOException {
        McpStdioClient stdio = McpStdioClient.start();
        return new Route() {
            @Override
            public String call() throws IOException {
                return stdio.call();
            }

            @Override
            public void close() {
                stdio.close();
            }
        };
    }
}
