package dev.aegis.bench;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.io.ConnectionStatistics;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The MCP benchmarks' server, built with the official SDK: one tool, {@code echo}, that returns its
 * text. Over Streamable HTTP (the SDK's servlet transport on Jetty, in the caller's JVM, counting the
 * TCP connections it accepts), or over stdio when run as a main class.
 */
public final class McpEchoServer implements AutoCloseable {

    private final Server jetty;
    private final McpSyncServer mcp;
    private final ConnectionStatistics connections;
    private final String url;

    private McpEchoServer(Server jetty, McpSyncServer mcp, ConnectionStatistics connections, String url) {
        this.jetty = jetty;
        this.mcp = mcp;
        this.connections = connections;
        this.url = url;
    }

    /** Runs the server over stdio (the daemon starts it as a process). */
    public static void main(String[] args) throws Exception {
        McpSyncServer server = build(McpServer.sync(new StdioServerTransportProvider(McpJsonDefaults.getMapper()))
                .serverInfo("bench", "1").capabilities(McpSchema.ServerCapabilities.builder().tools(true).build()));
        Thread.currentThread().join();
        server.close();
    }

    /** The command that runs the stdio server: this JVM's {@code java} and this class's jar. */
    public static List<String> stdioCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar;
        try {
            jar = Path.of(McpEchoServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return List.of(java, "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", jar, McpEchoServer.class.getName());
    }

    /** Starts the Streamable HTTP server on a free loopback port. */
    public static McpEchoServer startHttp() throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(McpJsonDefaults.getMapper()).mcpEndpoint("/mcp").build();
        McpSyncServer mcp = build(McpServer.sync(transport).serverInfo("bench", "1")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build()));
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        ConnectionStatistics connections = new ConnectionStatistics();
        connector.addBean(connections);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(transport), "/mcp");
        jetty.setHandler(context);
        jetty.start();
        return new McpEchoServer(jetty, mcp, connections, "http://127.0.0.1:" + connector.getLocalPort() + "/mcp");
    }

    private static McpSyncServer build(McpServer.SyncSpecification<?> spec) {
        return spec.tools(SyncToolSpecification.builder()
                        .tool(McpSchema.Tool.builder().name("echo").description("Returns its text")
                                .inputSchema(Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string"))))
                                .build())
                        .callHandler((exchange, req) -> McpSchema.CallToolResult.builder()
                                .addTextContent(String.valueOf(req.arguments().get("text"))).build())
                        .build())
                .build();
    }

    /** The server's MCP endpoint. */
    public String url() {
        return url;
    }

    /** How many TCP connections the server has accepted so far. */
    public long connectionsOpened() {
        return connections.getConnectionsTotal();
    }

    @Override
    public void close() throws Exception {
        mcp.close();
        jetty.stop();
    }
}
