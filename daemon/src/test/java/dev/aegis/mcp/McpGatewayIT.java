package dev.aegis.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.config.SecretsMode;
import dev.aegis.control.ControlRoutes;
import dev.aegis.daemon.TestGateway;
import dev.aegis.json.Json;
import dev.aegis.keys.NewKey;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP gateway with real parts: the official Java MCP SDK as the client, a real stdio MCP server
 * (built with the same SDK, {@link TestMcpServer}) started and supervised by a real daemon.
 */
class McpGatewayIT {

    @TempDir
    Path tmp;

    private TestGateway gw;
    private final List<McpSyncClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        clients.forEach(McpSyncClient::close);
        if (gw != null) {
            gw.close();
        }
    }

    /** The command that starts the test server: this JVM's java and class path. */
    static String command() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return "[\"" + java + "\", \"-cp\", \"" + System.getProperty("java.class.path").replace("\\", "\\\\")
                + "\", \"" + TestMcpServer.class.getName() + "\"]";
    }

    private TestGateway start(String extra) throws Exception {
        Path schema = tmp.resolve("schema");
        gw = TestGateway.start(tmp, "mcp:\n"
                + "  timeout: 3s\n"
                + "  keys:\n"
                + "    limited: { allow: [\"tools/echo\", \"tools/leak\"] }\n"
                + "    metered: { tool_calls_per_minute: 2 }\n"
                + "  servers:\n"
                + "    tools:\n"
                + "      command: " + command() + "\n"
                + "      env: { MCP_SCHEMA_FILE: \"" + schema + "\" }\n"
                + extra, Map.of());
        return gw;
    }

    private McpSyncClient client(String key) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(gw.url())
                .endpoint("/mcp/tools")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + key))
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
        clients.add(client);
        client.initialize();
        return client;
    }

    private JsonNode approve(String server) throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.url()
                + "/aegis/v1/mcp/" + server + "/approve")).header(ControlRoutes.CONTROL_TOKEN_HEADER, gw.state().controlToken())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return Json.mapper().readTree(res.body());
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().getFirst()).text();
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    /** Polls (bounded) until the action stops failing. */
    private static <T> T eventually(Supplier<T> action) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                return action.get();
            } catch (RuntimeException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw last;
    }

    @Test
    void aServerIsRefusedUntilApprovedThenItsToolsAreServed() throws Exception {
        start("");
        McpSyncClient client = client(gw.clientKey);
        assertThatThrownBy(client::listTools).isInstanceOf(McpError.class).hasMessageContaining("has not been approved");
        assertThatThrownBy(() -> call(client, "echo", Map.of("text", "hi"))).hasMessageContaining("has not been approved");

        JsonNode approved = approve("tools");
        assertThat(approved.path("tools").toString()).contains("echo", "crash");

        assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
                .containsExactlyInAnyOrder("echo", "leak", "slow", "delete_all", "crash");
        assertThat(text(call(client, "echo", Map.of("text", "hello through aegis")))).isEqualTo("hello through aegis");
    }

    @Test
    void deniedToolsAreAbsentFromTheListAndRefused() throws Exception {
        start("");
        approve("tools");
        String limited = gw.mintKey(new NewKey("limited", "default", false, List.of(), null, null, null, null));
        McpSyncClient client = client(limited);

        assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactlyInAnyOrder("echo", "leak");
        assertThatThrownBy(() -> call(client, "delete_all", Map.of())).isInstanceOf(McpError.class)
                .hasMessageContaining("not among the tools this key may use");
        assertThat(text(call(client, "echo", Map.of("text", "allowed")))).isEqualTo("allowed");

        List<Map<String, Object>> rows = toolRows();
        assertThat(rows).anySatisfy(r -> {
            assertThat(r).containsEntry("mcp_tool", "delete_all").containsEntry("status", 403)
                    .containsEntry("error_code", "tool_not_allowed");
        });
        assertThat(rows).anySatisfy(r -> {
            assertThat(r).containsEntry("mcp_server", "tools").containsEntry("mcp_tool", "echo").containsEntry("status", 200)
                    .containsEntry("provider", "mcp:tools").containsEntry("route", "/mcp/tools");
            assertThat((Long) r.get("request_bytes")).isPositive();
            assertThat((Long) r.get("response_bytes")).isPositive();
            assertThat((Long) r.get("receipt_seq")).isPositive();
        });
    }

    @Test
    void aServerWhoseToolSchemasChangeIsRefusedUntilApprovedAgain() throws Exception {
        start("");
        approve("tools");
        McpSyncClient client = client(gw.clientKey);
        assertThat(text(call(client, "echo", Map.of("text", "v1")))).isEqualTo("v1");

        Files.writeString(tmp.resolve("schema"), "v2");
        assertThatThrownBy(() -> call(client, "crash", Map.of())).isInstanceOf(McpError.class); // restarted with v2
        McpError refused = eventually(() -> {
            try {
                call(client, "echo", Map.of("text", "v2"));
                throw new IllegalStateException("served");
            } catch (McpError e) {
                if (!e.getMessage().contains("changed since they were approved")) {
                    throw new IllegalStateException(e.getMessage());
                }
                return e;
            }
        });
        assertThat(refused.getMessage()).contains("echo");
        assertThatThrownBy(client::listTools).hasMessageContaining("changed since they were approved");

        JsonNode again = approve("tools");
        assertThat(again.path("changed").toString()).contains("echo");
        assertThat(text(call(client, "echo", Map.of("text", "v2", "path", "/tmp/x")))).isEqualTo("v2");
    }

    @Test
    void aSecretInAToolResultIsRedactedOrBlockedPerKeyMode() throws Exception {
        start("security:\n  secrets:\n    mode: redact\n");
        approve("tools");
        McpSyncClient redacting = client(gw.clientKey);
        String result = text(call(redacting, "leak", Map.of()));
        assertThat(result).doesNotContain(TestMcpServer.LEAKED).contains("[REDACTED:github_token]");

        String blocking = gw.mintKey(new NewKey("blocking", "default", false, List.of(), null, null, null, null, null, null,
                SecretsMode.BLOCK));
        McpSyncClient blocked = client(blocking);
        assertThatThrownBy(() -> call(blocked, "leak", Map.of())).isInstanceOf(McpError.class)
                .hasMessageContaining("result holds a secret (github_token)").hasMessageNotContaining(TestMcpServer.LEAKED);
        assertThatThrownBy(() -> call(blocked, "echo", Map.of("text", "key " + TestMcpServer.LEAKED)))
                .hasMessageContaining("arguments holds a secret");

        assertThat(toolRows()).anySatisfy(r -> assertThat(r).containsEntry("mcp_tool", "leak")
                .containsEntry("error_code", "secret_detected")
                .containsEntry("secret_findings", "{\"github_token\":1}"));
    }

    @Test
    void aCrashedServerGivesTheClientAnErrorAndIsRestarted() throws Exception {
        start("");
        approve("tools");
        McpSyncClient client = client(gw.clientKey);
        long started = System.nanoTime();
        assertThatThrownBy(() -> call(client, "crash", Map.of())).isInstanceOf(McpError.class).hasMessageContaining("exited");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3)); // not the timeout
        assertThat(eventually(() -> text(call(client, "echo", Map.of("text", "back"))))).isEqualTo("back");
    }

    @Test
    void aSlowServerTimesOut() throws Exception {
        start("");
        approve("tools");
        McpSyncClient client = client(gw.clientKey);
        long started = System.nanoTime();
        assertThatThrownBy(() -> call(client, "slow", Map.of())).isInstanceOf(McpError.class)
                .hasMessageContaining("did not answer within 3000 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(10));
        assertThat(toolRows()).anySatisfy(r -> assertThat(r).containsEntry("mcp_tool", "slow").containsEntry("status", 504)
                .containsEntry("error_code", "mcp_server_timeout"));
        assertThat(text(call(client, "echo", Map.of("text", "still here")))).isEqualTo("still here");
    }

    @Test
    void toolCallsAreRateLimitedPerKey() throws Exception {
        start("");
        approve("tools");
        String metered = gw.mintKey(new NewKey("metered", "default", false, List.of(), null, null, null, null));
        McpSyncClient client = client(metered);
        call(client, "echo", Map.of("text", "1"));
        call(client, "echo", Map.of("text", "2"));
        assertThatThrownBy(() -> call(client, "echo", Map.of("text", "3"))).hasMessageContaining("2 tool calls a minute");
        assertThat(text(call(client(gw.clientKey), "echo", Map.of("text", "other key")))).isEqualTo("other key");
    }

    /** Every tool call's usage row, once the recorder has written it. */
    private List<Map<String, Object>> toolRows() throws Exception {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.url() + ControlRoutes.FLUSH))
                .header(ControlRoutes.CONTROL_TOKEN_HEADER, gw.state().controlToken())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        return gw.db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT mcp_server, mcp_tool, status, error_code, provider, route, "
                    + "request_bytes, response_bytes, receipt_seq, secret_findings, latency_ms FROM usage WHERE mcp_server IS NOT NULL");
                    ResultSet rs = ps.executeQuery()) {
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new java.util.HashMap<>();
                    row.put("mcp_server", rs.getString(1));
                    row.put("mcp_tool", rs.getString(2));
                    row.put("status", rs.getInt(3));
                    row.put("error_code", rs.getString(4));
                    row.put("provider", rs.getString(5));
                    row.put("route", rs.getString(6));
                    row.put("request_bytes", rs.getLong(7));
                    row.put("response_bytes", rs.getLong(8));
                    row.put("receipt_seq", rs.getLong(9));
                    row.put("secret_findings", rs.getString(10));
                    row.put("latency_ms", rs.getDouble(11));
                    out.add(row);
                }
                return out;
            }
        });
    }
}
