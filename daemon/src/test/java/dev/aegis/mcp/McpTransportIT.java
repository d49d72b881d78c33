package dev.aegis.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.control.ControlRoutes;
import dev.aegis.daemon.TestGateway;
import dev.aegis.json.Json;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's Streamable HTTP transport as MCP clients see it, in front of a remote (HTTP) MCP
 * server built with the official SDK: version negotiation, sessions, headers, authentication, and
 * the SDK client calling a tool of the remote server through Aegis.
 */
class McpTransportIT {

    @TempDir
    static Path tmp;

    static HttpMcpServer remote;
    static TestGateway gw;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        remote = HttpMcpServer.start();
        gw = TestGateway.start(tmp, "mcp:\n  servers:\n    remote: { url: \"" + remote.url() + "\" }\n", Map.of());
        HttpResponse<String> approved = HTTP.send(HttpRequest.newBuilder(URI.create(gw.url() + "/aegis/v1/mcp/remote/approve"))
                .header(ControlRoutes.CONTROL_TOKEN_HEADER, gw.state().controlToken())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (remote != null) {
            remote.close();
        }
    }

    private static HttpRequest.Builder mcp(String body) {
        return HttpRequest.newBuilder(URI.create(gw.url() + "/mcp/remote"))
                .header("Authorization", "Bearer " + gw.clientKey)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String initialize(String version) {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + version
                + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
    }

    @Test
    void theSdkClientCallsARemoteServersToolThroughTheGateway() {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(gw.url())
                .endpoint("/mcp/remote")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + gw.clientKey))
                .build();
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build()) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.protocolVersion()).isEqualTo(ProtocolVersion.LATEST);
            assertThat(init.serverInfo().name()).isEqualTo("aegis-test-http-server");
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("echo", "leak");
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "remote")));
            assertThat(((McpSchema.TextContent) result.content().getFirst()).text()).isEqualTo("remote");
        }
    }

    @Test
    void olderClientsGetTheirRevisionAndUnknownOnesTheLatest() throws Exception {
        for (String version : new String[] {"2025-06-18", "2025-03-26", "2025-11-25"}) {
            HttpResponse<String> res = send(mcp(initialize(version)));
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(Json.mapper().readTree(res.body()).path("result").path("protocolVersion").asText()).isEqualTo(version);
            assertThat(res.headers().firstValue("Mcp-Session-Id")).isPresent();
        }
        HttpResponse<String> unknown = send(mcp(initialize("2023-01-01")));
        assertThat(Json.mapper().readTree(unknown.body()).path("result").path("protocolVersion").asText())
                .isEqualTo(ProtocolVersion.LATEST);
    }

    @Test
    void sessionsAndHeadersAreChecked() throws Exception {
        String session = send(mcp(initialize("2025-06-18"))).headers().firstValue("Mcp-Session-Id").orElseThrow();
        String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";

        HttpResponse<String> ok = send(mcp(list).header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(ok.body()).path("id").asInt()).isEqualTo(2);

        assertThat(send(mcp(list)).statusCode()).as("no session").isEqualTo(400);
        HttpResponse<String> unknown = send(mcp(list).header("Mcp-Session-Id", "not-a-session"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("mcp_session_not_found");
        HttpResponse<String> badVersion = send(mcp(list).header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "1999-01-01"));
        assertThat(badVersion.statusCode()).isEqualTo(400);
        assertThat(badVersion.body()).contains("unsupported_protocol_version");

        String notification = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
        assertThat(send(mcp(notification).header("Mcp-Session-Id", session)).statusCode()).isEqualTo(202);

        HttpResponse<String> sse = send(mcp(list).header("Mcp-Session-Id", session).setHeader("Accept", "text/event-stream"));
        assertThat(sse.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(sse.body()).startsWith("event: message\ndata: {").contains("\"tools\"");

        HttpResponse<String> get = send(HttpRequest.newBuilder(URI.create(gw.url() + "/mcp/remote"))
                .header("Authorization", "Bearer " + gw.clientKey).header("Mcp-Session-Id", session).GET());
        assertThat(get.statusCode()).isEqualTo(405);

        HttpResponse<String> deleted = send(HttpRequest.newBuilder(URI.create(gw.url() + "/mcp/remote"))
                .header("Authorization", "Bearer " + gw.clientKey).header("Mcp-Session-Id", session).DELETE());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(send(mcp(list).header("Mcp-Session-Id", session)).statusCode()).isEqualTo(404);
    }

    /**
     * The gateway reaches the remote server over a kept-alive connection: it reads each answer's event
     * stream to its end, so the connection serves the next call. Before, it closed the stream as soon
     * as the response arrived and opened a new connection for most calls (18 of 20 here).
     */
    @Test
    void toolCallsReuseTheConnectionToTheRemoteServer() throws Exception {
        String session = send(mcp(initialize("2025-11-25"))).headers().firstValue("Mcp-Session-Id").orElseThrow();
        String call = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"text\":\"again\"}}}";
        assertThat(send(mcp(call).header("Mcp-Session-Id", session)).body()).contains("again");
        long before = remote.connectionsOpened();
        int calls = 20;
        for (int i = 0; i < calls; i++) {
            HttpResponse<String> res = send(mcp(call).header("Mcp-Session-Id", session));
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(Json.mapper().readTree(res.body()).path("result").path("content").path(0).path("text").asText())
                    .isEqualTo("again");
        }
        // One more connection at most: the stream's end is read in the background, so a call can come
        // in the instant before the connection is back in the pool.
        assertThat(remote.connectionsOpened() - before).as("connections opened for %d tool calls", calls).isLessThanOrEqualTo(2);
    }

    @Test
    void aRemoteServerThatDoesNotAnswerInTimeGivesTheClientAnError() throws Exception {
        try (TestGateway quick = TestGateway.start(tmp, "mcp:\n  timeout: 2s\n  servers:\n    remote: { url: \"" + remote.url()
                + "\" }\n", Map.of())) {
            HTTP.send(HttpRequest.newBuilder(URI.create(quick.url() + "/aegis/v1/mcp/remote/approve"))
                    .header(ControlRoutes.CONTROL_TOKEN_HEADER, quick.state().controlToken())
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(quick.url())
                    .endpoint("/mcp/remote")
                    .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + quick.clientKey))
                    .build();
            try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build()) {
                client.initialize();
                long started = System.nanoTime();
                org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> client.callTool(new McpSchema.CallToolRequest("slow", Map.of())))
                        .isInstanceOf(io.modelcontextprotocol.spec.McpError.class)
                        .hasMessageContaining("did not answer within 2000 ms");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(10));
                McpSchema.CallToolResult after = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "after")));
                assertThat(((McpSchema.TextContent) after.content().getFirst()).text()).isEqualTo("after");
            }
        }
    }

    @Test
    void aKeyIsRequiredAsForModelCallsAndUnknownServersAre404() throws Exception {
        HttpResponse<String> noKey = send(HttpRequest.newBuilder(URI.create(gw.url() + "/mcp/remote"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(initialize("2025-11-25"))));
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(Json.mapper().readTree(noKey.body()).path("error").path("code").asText()).isEqualTo("invalid_api_key");

        HttpResponse<String> unknown = send(HttpRequest.newBuilder(URI.create(gw.url() + "/mcp/nope"))
                .header("Authorization", "Bearer " + gw.clientKey).POST(HttpRequest.BodyPublishers.ofString(initialize("2025-11-25"))));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("mcp_server_not_found");

        HttpResponse<String> batch = send(mcp("[" + initialize("2025-03-26") + "]"));
        assertThat(batch.statusCode()).isEqualTo(400);
        JsonNode err = Json.mapper().readTree(batch.body()).path("error");
        assertThat(err.path("code").asInt()).isEqualTo(-32600);
        HttpResponse<String> notJson = send(mcp("{nope"));
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(notJson.body()).path("error").path("code").asInt()).isEqualTo(-32700);
    }
}
