package dev.aegis.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.io.ConnectionStatistics;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.StatisticsHandler;

/** A real Streamable HTTP MCP server (the SDK's servlet transport on Jetty) on a loopback port, in the test's JVM. */
final class HttpMcpServer implements AutoCloseable {

    private final Server jetty;
    private final McpSyncServer mcp;
    private final ConnectionStatistics connections;

    private final StatisticsHandler statistics;

    private HttpMcpServer(Server jetty, McpSyncServer mcp, ConnectionStatistics connections, StatisticsHandler statistics) {
        this.jetty = jetty;
        this.mcp = mcp;
        this.connections = connections;
        this.statistics = statistics;
    }

    static HttpMcpServer start() throws Exception {
        return start(TestMcpServer.tools(false, false));
    }

    /** A server with these tools (none at all, for one). */
    static HttpMcpServer start(List<SyncToolSpecification> tools) throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(McpJsonDefaults.getMapper()).mcpEndpoint("/mcp").build();
        McpSyncServer mcp = TestMcpServer.build(McpServer.sync(transport), tools);
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        ConnectionStatistics connections = new ConnectionStatistics();
        connector.addBean(connections);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(transport), "/mcp");
        context.addServlet(new ServletHolder(transport), "/mcp/*");
        StatisticsHandler statistics = new StatisticsHandler(context);
        jetty.setHandler(statistics);
        jetty.start();
        return new HttpMcpServer(jetty, mcp, connections, statistics);
    }

    /** Adds a tool while the server runs (the server notifies that its tools changed). */
    void addTool(SyncToolSpecification tool) {
        mcp.addTool(tool);
    }

    String url() {
        return "http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort() + "/mcp";
    }

    /** The TCP connections the server has accepted so far. */
    long connectionsOpened() {
        return connections.getConnectionsTotal();
    }

    /** The HTTP requests the server has received so far (every JSON-RPC message is one). */
    long requestsReceived() {
        return statistics.getRequestTotal();
    }

    @Override
    public void close() throws Exception {
        mcp.close();
        jetty.stop();
    }
}
