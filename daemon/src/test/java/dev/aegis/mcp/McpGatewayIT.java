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
                + "    elsewhere: { allow: [\"tools/no_such_tool\"] }\n"
                + "    metered: { tool_calls_per_minute: 2 }\n"
                + "  servers:\n"
                + "    tools:\n"
                + "      command: " + command() + "\n"
                + "      env: { MCP_SCHEMA_FILE: \"" + schema + "\" }\n"
                + extra, Map.of());
        return gw;
    }

    private McpSyncClient client(String key) {
        return client(key, "tools", HttpRequest.newBuilder());
    }

    /** An SDK client of {@code /mcp/<server>}, its requests made from {@code request} (extra headers). */
    private McpSyncClient client(String key, String server, HttpRequest.Builder request) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(gw.url())
                .endpoint("/mcp/" + server)
                .requestBuilder(request.header("Authorization", "Bearer " + key))
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
        while (true) {
            try {
                return action.get();
            } catch (RuntimeException | AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
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

    /** Initializes a session with plain HTTP, then sends one JSON-RPC request in it: the answer's body. */
    private JsonNode rpc(String key, String method, String params) throws Exception {
        return rpcWith(key, method, params);
    }

    /** {@link #rpc}, the request sent with the extra headers (name, value, ...). */
    private JsonNode rpcWith(String key, String method, String params, String... headers) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> init = http.send(HttpRequest.newBuilder(URI.create(gw.url() + "/mcp/tools"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                        + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow(() -> new AssertionError(init.body()));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gw.url() + "/mcp/tools"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("Mcp-Session-Id", session)
                .headers(headers.length == 0 ? new String[] {"X-Test", "1"} : headers)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"" + method + "\""
                        + (params == null ? "" : ",\"params\":" + params) + "}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(r.body());
    }

    @Test
    void otherMethodsAreRelayedOnlyOnceApprovedToAKeyThatMayUseTheServerAndAreScanned() throws Exception {
        start("");
        // Not approved: refused like its tools (before, relayed to the server, which knows no resources).
        assertThat(rpc(gw.clientKey, "resources/list", null).at("/error/message").asText()).contains("has not been approved");
        approve("tools");
        assertThat(rpc(gw.clientKey, "resources/list", null).at("/error/message").asText()).doesNotContain("approved");
        // A secret in what goes out is blocked as in a tool call's arguments.
        assertThat(rpc(gw.clientKey, "resources/read", "{\"uri\":\"file:///AKIAIOSFODNN7EXAMPLE\"}").at("/error/message").asText())
                .contains("the resources/read call's params holds a secret");
        // A key that may use none of the server's tools gets nothing else of it either.
        String elsewhere = gw.mintKey(new NewKey("elsewhere", "default", false, List.of(), null, null, null, null));
        assertThat(rpc(elsewhere, "resources/list", null).at("/error/message").asText())
                .contains("may use none of the tools of 'tools'");
        // A method outside MCP's own is not relayed (its name could carry a secret to the server), and is recorded
        // without the client's string.
        assertThat(rpc(gw.clientKey, "x/AKIAIOSFODNN7EXAMPLE", null).at("/error/data/code").asText()).isEqualTo("method_not_found");

        // Each of them is recorded as a tool call is, the method standing for the tool.
        List<Map<String, Object>> rows = toolRows();
        assertThat(rows).anySatisfy(r -> assertThat(r).containsEntry("mcp_tool", "(resources/list)")
                .containsEntry("error_code", "mcp_server_not_approved"));
        assertThat(rows).anySatisfy(r -> {
            assertThat(r).containsEntry("mcp_tool", "(resources/list)").containsEntry("status", 502)
                    .containsEntry("error_code", "mcp_error").containsEntry("provider", "mcp:tools");
            assertThat((Long) r.get("receipt_seq")).isPositive();
        });
        assertThat(rows).anySatisfy(r -> assertThat(r).containsEntry("mcp_tool", "(resources/read)")
                .containsEntry("status", 403).containsEntry("error_code", "secret_detected")
                .extractingByKey("secret_findings").asString().contains("aws_access_key"));
        assertThat(rows).anySatisfy(r -> assertThat(r).containsEntry("mcp_tool", "(resources/list)")
                .containsEntry("status", 403).containsEntry("error_code", "tool_not_allowed"));
        assertThat(rows).anySatisfy(r -> assertThat(r).containsEntry("mcp_tool", "(other method)")
                .containsEntry("status", 404).containsEntry("error_code", "method_not_found"));
        // Refused for the tenant it names: still recorded, as a tool call is.
        rpcWith(gw.clientKey, "resources/list", null, "x-tenant-id", "someone-else");
        assertThat(toolRows()).anySatisfy(r -> assertThat(r).containsEntry("mcp_tool", "(resources/list)")
                .containsEntry("error_code", "tenant_not_allowed"));
        assertThat(rows).extracting(r -> String.valueOf(r.get("mcp_tool"))).noneMatch(t -> t.contains("AKIA"));
    }

    @Test
    void whatAServerSaysOfItselfAtInitializeIsScanned() throws Exception {
        start("    leaky:\n"
                + "      command: " + command() + "\n"
                + "      env: { MCP_LEAKY_INSTRUCTIONS: \"1\" }\n"
                + "security:\n  secrets:\n    mode: redact\n");
        HttpResponse<String> init = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.url() + "/mcp/leaky"))
                .header("Authorization", "Bearer " + gw.clientKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                        + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(init.body()).doesNotContain(TestMcpServer.LEAKED).contains("[REDACTED:github_token]");
    }

    @Test
    void otherMethodsCountAgainstTheKeysToolCallRate() throws Exception {
        start("");
        approve("tools");
        String metered = gw.mintKey(new NewKey("metered", "default", false, List.of(), null, null, null, null));
        call(client(metered), "echo", Map.of("text", "1"));
        assertThat(rpc(metered, "prompts/list", null).at("/error/message").asText()).doesNotContain("tool calls a minute");
        assertThat(rpc(metered, "resources/list", null).at("/error/message").asText()).contains("2 tool calls a minute");
        assertThatThrownBy(() -> call(client(metered), "echo", Map.of("text", "3"))).hasMessageContaining("2 tool calls a minute");
        assertThat(toolRows()).filteredOn(r -> "rate_limited".equals(r.get("error_code"))).hasSize(2);
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
        // Whatever else params hold goes to the server too, and is scanned as the arguments are.
        assertThat(rpc(blocking, "tools/call", "{\"name\":\"echo\",\"arguments\":{\"text\":\"x\"},\"_meta\":{\"k\":\""
                + TestMcpServer.LEAKED + "\"}}").at("/error/message").asText()).contains("the tool call's params holds a secret");
        // A server's error answer comes back through the scanner as a result does.
        JsonNode failed = rpc(gw.clientKey, "tools/call", "{\"name\":\"leak\",\"arguments\":{\"as\":\"error\"}}");
        assertThat(failed.toString()).doesNotContain(TestMcpServer.LEAKED);
        assertThat(failed.at("/error/message").asText()).as(failed.toString()).contains("[REDACTED:github_token]");
        assertThat(rpc(blocking, "tools/call", "{\"name\":\"leak\",\"arguments\":{\"as\":\"error\"}}").toString())
                .contains("the tool call's error holds a secret").doesNotContain(TestMcpServer.LEAKED);

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

    @Test
    void toolCallsCarryTheCodingAgentsSessionAgentAndClient() throws Exception {
        start("");
        approve("tools");
        McpSyncClient claude = client(gw.clientKey, "tools", HttpRequest.newBuilder()
                .header("x-claude-code-session-id", "mcp-session-1").header("x-claude-code-agent-id", "sub-agent-1"));
        call(claude, "echo", Map.of("text", "one"));
        call(claude, "echo", Map.of("text", "two"));
        McpSyncClient codex = client(gw.clientKey, "tools", HttpRequest.newBuilder()
                .header("session-id", "codex-session").header("originator", "codex_cli_rs"));
        call(codex, "echo", Map.of("text", "three"));

        List<Map<String, Object>> rows = toolRows();
        assertThat(rows).filteredOn(r -> "mcp-session-1".equals(r.get("session_id"))).hasSize(2)
                .allSatisfy(r -> assertThat(r).containsEntry("agent_id", "sub-agent-1").containsEntry("client", "claude-code"));
        assertThat(rows).filteredOn(r -> "codex-session".equals(r.get("session_id"))).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("client", "codex_cli_rs").containsEntry("agent_id", null));

        // aegis usage --by session counts them (the same report, through the daemon)
        HttpResponse<String> bySession = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.url()
                + "/aegis/v1/usage?by=session")).header("Authorization", "Bearer " + gw.clientKey).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode groups = Json.mapper().readTree(bySession.body()).path("groups");
        assertThat(groups.findValuesAsText("group")).contains("mcp-session-1", "codex-session");
        for (JsonNode g : groups) {
            if (g.path("group").asText().equals("mcp-session-1")) {
                assertThat(g.path("requests").asLong()).isEqualTo(2);
            }
        }
    }

    @Test
    void badSessionHeadersOnMcpRequestsAre400AndTheToolCallIsStillRecorded() throws Exception {
        start("");
        approve("tools");
        HttpResponse<String> init = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.url() + "/mcp/tools"))
                .header("Authorization", "Bearer " + gw.clientKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                        + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        String call = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"x\"}}}";
        String list = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}";

        HttpResponse<String> tooLong = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.url() + "/mcp/tools"))
                .header("Authorization", "Bearer " + gw.clientKey).header("Content-Type", "application/json")
                .header("Mcp-Session-Id", session).header("x-claude-code-session-id", "s".repeat(129))
                .POST(HttpRequest.BodyPublishers.ofString(call)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tooLong.statusCode()).as(tooLong.body()).isEqualTo(400);
        JsonNode error = Json.mapper().readTree(tooLong.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_request");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).contains("x-claude-code-session-id");
        assertThat(error.has("param")).isTrue();

        // JSON-RPC ids are strings or integers: anything else is refused, never echoed as read.
        for (String id : List.of("{\"a\":1}", "1e999999", "1.5", "[1]", "true")) {
            String answer = raw("/mcp/tools", "Mcp-Session-Id: " + session, list.replace("\"id\":3", "\"id\":" + id));
            assertThat(answer).as(id).startsWith("HTTP/1.1 400").contains("\"code\":-32600").contains("\"id\":null")
                    .doesNotContain("Infinity");
        }

        for (String header : List.of("x-claude-code-session-id: s\u009b2J", "session-id: a\tb", "x-claude-code-agent-id: a\u0085",
                "originator: codex\u009d")) {
            for (String body : List.of(call, list)) {
                String answer = raw("/mcp/tools", "Mcp-Session-Id: " + session + "\r\n" + header, body);
                assertThat(answer).as(header).startsWith("HTTP/1.1 400").contains("\"code\":\"invalid_request\"");
                assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4)).doesNotContainPattern("\\p{Cc}");
            }
        }
        List<Map<String, Object>> refused = toolRows().stream().filter(r -> Integer.valueOf(400).equals(r.get("status"))).toList();
        assertThat(refused).hasSize(5).allSatisfy(r -> assertThat(r).containsEntry("mcp_tool", "echo")
                .containsEntry("error_code", "invalid_request").containsEntry("session_id", null));
    }

    @Test
    void toolCallsAreCountedInMetricsByServerToolAndOutcomeWithoutArgumentsOrSecrets() throws Exception {
        start("security:\n  secrets:\n    mode: redact\n");
        approve("tools");
        McpSyncClient client = client(gw.clientKey);
        call(client, "echo", Map.of("text", "one"));
        call(client, "echo", Map.of("text", "argument-value-" + TestMcpServer.LEAKED));
        assertThat(text(call(client, "leak", Map.of()))).contains("[REDACTED:github_token]");
        assertThatThrownBy(() -> call(client, "no_such_tool", Map.of("text", "x"))).isInstanceOf(McpError.class);
        assertThatThrownBy(() -> call(client, TestMcpServer.LEAKED, Map.of())).isInstanceOf(McpError.class);
        String limited = gw.mintKey(new NewKey("limited", "default", false, List.of(), null, null, null, null));
        assertThatThrownBy(() -> call(client(limited), "delete_all", Map.of())).isInstanceOf(McpError.class);

        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.url() + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics)
                .contains("aegis_mcp_tool_calls_total{outcome=\"ok\",server=\"tools\",tool=\"echo\"} 2.0")
                .contains("aegis_mcp_tool_calls_total{outcome=\"ok\",server=\"tools\",tool=\"leak\"} 1.0")
                .contains("aegis_mcp_tool_calls_total{outcome=\"tool_not_found\",server=\"tools\",tool=\"other\"} 2.0")
                .contains("aegis_mcp_tool_calls_total{outcome=\"tool_not_allowed\",server=\"tools\",tool=\"delete_all\"} 1.0")
                .contains("aegis_mcp_tool_call_duration_seconds_count{server=\"tools\"} 6")
                .contains("aegis_secrets_found_total{kind=\"github_token\"} 2.0")
                .doesNotContain(TestMcpServer.LEAKED).doesNotContain("argument-value").doesNotContain("no_such_tool");
    }

    @Test
    void aServerWithNoToolsCanBeApprovedAndAToolAddedLaterIsAChange() throws Exception {
        try (HttpMcpServer empty = HttpMcpServer.start(List.of())) {
            gw = TestGateway.start(tmp, "mcp:\n  servers:\n    empty: { url: \"" + empty.url() + "\" }\n", Map.of());
            McpSyncClient client = client(gw.clientKey, "empty", HttpRequest.newBuilder());
            assertThatThrownBy(client::listTools).hasMessageContaining("has not been approved");

            JsonNode approved = approve("empty");
            assertThat(approved.path("tools").isEmpty()).isTrue();
            assertThat(client.listTools().tools()).isEmpty();
            assertThat(servers().toString()).contains("\"name\":\"empty\"").contains("\"tools\":0,\"state\":\"ok\"");

            // A client listing in a loop costs the server one read a second, whatever it does.
            long before = empty.requestsReceived();
            for (int i = 0; i < 30; i++) {
                assertThat(client.listTools().tools()).isEmpty();
            }
            assertThat(empty.requestsReceived() - before).as("the server's reads of its tools for 30 lists")
                    .isLessThanOrEqualTo(3);

            empty.addTool(TestMcpServer.tools(false, false).getFirst()); // echo
            // Seen within a second of the change.
            eventually(() -> {
                assertThatThrownBy(client::listTools).isInstanceOf(McpError.class)
                        .hasMessageContaining("changed since they were approved (echo)");
                return true;
            });
            assertThatThrownBy(() -> call(client, "echo", Map.of("text", "x"))).hasMessageContaining("changed since they were approved");
            assertThat(servers().toString()).contains("tools_changed");

            JsonNode again = approve("empty");
            assertThat(again.path("changed").toString()).isEqualTo("[\"echo\"]");
            assertThat(text(call(client, "echo", Map.of("text", "now approved")))).isEqualTo("now approved");
        }
    }

    @Test
    void toolCallsCountAgainstTheTenantAndRunTheirHeadersNameWithTheSameRefusalsAsModelCalls() throws Exception {
        start("");
        approve("tools");
        String acme = gw.mintKey(new NewKey("acme-key", "acme", false, List.of(), null, null, null, null, null, null, null, true));
        String session = mcpSession(acme);
        HttpResponse<String> called = mcpPost(acme, session, Map.of("X-Request-Id", "scoped-1", "x-tenant-id", "acme/team-1",
                "x-run-id", "run-7"), ECHO_CALL);
        assertThat(called.statusCode()).as(called.body()).isEqualTo(200);
        assertThat(called.body()).contains("\"text\":\"x\"");
        dev.aegis.daemon.UsageRowView row = gw.awaitUsage("scoped-1");
        assertThat(row.tenant()).isEqualTo("acme/team-1");
        assertThat(row.runId()).isEqualTo("run-7");
        HttpResponse<String> byRun = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.url()
                + "/aegis/v1/usage?run=run-7")).header("Authorization", "Bearer " + acme).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(Json.mapper().readTree(byRun.body()).at("/total/requests").asLong()).as(byRun.body()).isEqualTo(1);

        // Another tenant: refused as on a model call, and the refused tool call is recorded under the key's own.
        HttpResponse<String> other = mcpPost(acme, session, Map.of("X-Request-Id", "scoped-2", "x-tenant-id", "globex"),
                ECHO_CALL);
        assertThat(other.statusCode()).as(other.body()).isEqualTo(403);
        assertThat(Json.mapper().readTree(other.body()).at("/error/code").asText()).isEqualTo("tenant_not_allowed");
        assertThat(gw.awaitUsage("scoped-2").tenant()).isEqualTo("acme");
        HttpResponse<String> list = mcpPost(acme, session, Map.of("x-tenant-id", "globex"),
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}");
        assertThat(list.statusCode()).as(list.body()).isEqualTo(403);

        // A key minted for a run may only repeat it.
        String runKey = gw.mintKey(new NewKey("run-key", "default", false, List.of(), null, null, null, null, "run-9", null));
        String runSession = mcpSession(runKey);
        HttpResponse<String> otherRun = mcpPost(runKey, runSession, Map.of("X-Request-Id", "scoped-3", "x-run-id", "run-10"),
                ECHO_CALL);
        assertThat(otherRun.statusCode()).as(otherRun.body()).isEqualTo(403);
        assertThat(Json.mapper().readTree(otherRun.body()).at("/error/code").asText()).isEqualTo("run_not_allowed");
        assertThat(gw.awaitUsage("scoped-3").runId()).isEqualTo("run-9");
    }

    private static final String ECHO_CALL =
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"x\"}}}";

    /** A new MCP session of this key on {@code /mcp/tools}. */
    private String mcpSession(String key) throws Exception {
        HttpResponse<String> init = mcpPost(key, null, Map.of(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
        return init.headers().firstValue("Mcp-Session-Id").orElseThrow(() -> new AssertionError(init.body()));
    }

    private HttpResponse<String> mcpPost(String key, String session, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url() + "/mcp/tools"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        headers.forEach(b::header);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode servers() throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.url()
                + "/aegis/v1/mcp/servers")).header(ControlRoutes.CONTROL_TOKEN_HEADER, gw.state().controlToken()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(res.body());
    }

    /** A request written byte by byte (headers an HTTP client refuses to send); the whole answer. */
    private String raw(String path, String headers, String body) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", gw.state().port())) {
            java.io.OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Authorization: Bearer " + gw.clientKey + "\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\n" + headers + "\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /** Every tool call's usage row, once the recorder has written it. */
    private List<Map<String, Object>> toolRows() throws Exception {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.url() + ControlRoutes.FLUSH))
                .header(ControlRoutes.CONTROL_TOKEN_HEADER, gw.state().controlToken())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        return gw.db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT mcp_server, mcp_tool, status, error_code, provider, route, "
                    + "request_bytes, response_bytes, receipt_seq, secret_findings, latency_ms, session_id, agent_id, client "
                    + "FROM usage WHERE mcp_server IS NOT NULL");
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
                    row.put("session_id", rs.getString(12));
                    row.put("agent_id", rs.getString(13));
                    row.put("client", rs.getString(14));
                    out.add(row);
                }
                return out;
            }
        });
    }
}
