package dev.aegis.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The MCP benchmarks' JSON-RPC messages, and their direct stdio path: {@link McpEchoServer} started as
 * a process of the benchmark's own, initialized, then one line each way per tool call.
 */
public final class McpStdioClient implements AutoCloseable {

    /** The text the echo tool is called with (and answers). */
    public static final String TEXT = "x".repeat(100);
    public static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
            + "\"arguments\":{\"text\":\"" + TEXT + "\"}}}";
    public static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}";
    public static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    private static final byte[] CALL_LINE = (CALL + "\n").getBytes(StandardCharsets.UTF_8);

    private final Process process;
    private final OutputStream out;
    private final BufferedReader in;

    private McpStdioClient(Process process) {
        this.process = process;
        this.out = process.getOutputStream();
        this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts the stdio echo server and initializes a session with it. */
    public static McpStdioClient start() throws IOException {
        McpStdioClient c = new McpStdioClient(
                new ProcessBuilder(McpEchoServer.stdioCommand()).redirectError(ProcessBuilder.Redirect.DISCARD).start());
        c.out.write((INIT + "\n" + INITIALIZED + "\n").getBytes(StandardCharsets.UTF_8));
        c.out.flush();
        c.in.readLine();
        return c;
    }

    /** One echo tool call; its answer line. */
    public String call() throws IOException {
        out.write(CALL_LINE);
        out.flush();
        return in.readLine();
    }

    @Override
    public void close() {
        process.destroy();
    }
}
