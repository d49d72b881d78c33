package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.aegis.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aegis mcp list|approve}, {@code aegis init codex --mcp}, {@code aegis env claude --mcp}. */
class McpCliIT {

    @TempDir
    Path temp;

    static String config() {
        return "mcp:\n  servers:\n"
                + "    tiny: { command: " + tinyCommand() + " }\n"
                + "    remote: { url: \"http://127.0.0.1:9/mcp\" }\n";
    }

    /** The command line that runs {@link TinyStdioMcpServer} on this JVM, as a YAML list. */
    private static String tinyCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return "[\"" + java + "\", \"-cp\", \"" + System.getProperty("java.class.path") + "\", \""
                + TinyStdioMcpServer.class.getName() + "\"]";
    }

    /** One stdio server {@code name} running {@link TinyStdioMcpServer} with one environment variable. */
    private static String tinyServer(String name, String envName, String envValue) {
        return "mcp:\n  servers:\n    " + name + ":\n      command: " + tinyCommand() + "\n"
                + "      env: { " + envName + ": \"" + envValue + "\" }\n";
    }

    @Test
    void listShowsEachServersStateAndApprovePinsItsTools() throws Exception {
        try (RunningDaemon daemon = new RunningDaemon(temp, config())) {
            CliRun before = daemon.aegis("mcp", "list");
            assertThat(before.exitCode()).as(before.all()).isZero();
            assertThat(before.out()).contains("tiny  not_approved  stdio").contains("remote  unavailable  http");

            CliRun approve = daemon.aegis("mcp", "approve", "tiny");
            assertThat(approve.exitCode()).as(approve.all()).isZero();
            assertThat(approve.out()).contains("Approved 1 tools of 'tiny': echo");
            assertThat(daemon.aegis("mcp", "list").out()).contains("tiny  ok  stdio").contains("1 tools");
            com.fasterxml.jackson.databind.JsonNode listed = dev.aegis.json.Json.mapper().readTree(
                    daemon.aegis("mcp", "list", "--json").out());
            assertThat(listed.at("/servers/0/name").asText() + " " + listed.at("/servers/0/state").asText()
                    + " " + listed.at("/servers/1/name").asText()).isIn("tiny ok remote", "remote unavailable tiny");

            Path codexHome = temp.resolve("codex-doctor");
            Files.createDirectories(codexHome);
            daemon.env.put("CODEX_HOME", codexHome.toString());
            assertThat(daemon.aegis("init", "codex", "--write", "--mcp").exitCode()).isZero();
            CliRun doctor = daemon.aegis("doctor", "--client", "codex");
            assertThat(doctor.out()).as(doctor.all())
                    .contains("tiny: served, 1 approved tools")
                    .contains("lists the gateway's MCP servers: aegis_remote, aegis_tiny")
                    .contains("the MCP server 'remote' is not available");

            CliRun unreachable = daemon.aegis("mcp", "approve", "remote");
            assertThat(unreachable.exitCode()).isNotZero();
            assertThat(unreachable.all()).contains("could not approve 'remote'").contains("not available");
        }
    }

    @Test
    void aStdioServersStderrReachesTheDaemonLogRedacted() throws Exception {
        String config = tinyServer("noisy", "TINY_STDERR", "1");
        try (RunningDaemon daemon = new RunningDaemon(temp, config)) {
            Path log = Path.of(daemon.home, "logs", "daemon.log");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!Files.readString(log).contains(TinyStdioMcpServer.STDERR_DONE) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            String written = Files.readString(log);
            assertThat(written).contains("MCP server 'noisy': " + TinyStdioMcpServer.STDERR_DONE)
                    .contains("MCP server 'noisy': connecting with token [REDACTED:github_token]")
                    .contains("[REDACTED:private_key]")
                    .doesNotContain("ghp_").doesNotContain("aegisTestKeyBody").doesNotContain("aegistestkeybody");
        }
    }

    @Test
    void toolCallsCountInTheirSessionInAegisUsage() throws Exception {
        try (RunningDaemon daemon = new RunningDaemon(temp, config())) {
            assertThat(daemon.aegis("mcp", "approve", "tiny").exitCode()).isZero();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> init = http.send(mcp(daemon, null, "session-id", "cli-session",
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                            + "\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}"),
                    HttpResponse.BodyHandlers.ofString());
            String mcpSession = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> called = http.send(mcp(daemon, mcpSession, "session-id", "cli-session",
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                                + "\"arguments\":{\"text\":\"hi\"}}}"), HttpResponse.BodyHandlers.ofString());
                assertThat(called.body()).contains("\"text\":\"hi\"");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            JsonNode session = null;
            while (System.nanoTime() < deadline) {
                JsonNode bySession = Json.mapper().readTree(daemon.aegis("usage", "--by", "session", "--json").out());
                session = null;
                for (JsonNode g : bySession.path("groups")) {
                    if (g.path("group").asText().equals("cli-session")) {
                        session = g;
                    }
                }
                if (session != null && session.path("requests").asLong() == 2) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(session).as("the session's group in aegis usage --by session").isNotNull();
            assertThat(session.path("requests").asLong()).isEqualTo(2);
        }
    }

    /** A GitHub token's shape, told apart by {@code tag}. */
    private static String secret(String tag) {
        return "ghp_" + tag + "0".repeat(36 - tag.length());
    }

    @Test
    void aSecretInAToolNameOrAnyIdTheClientChoosesReachesNoRecord() throws Exception {
        try (RunningDaemon daemon = new RunningDaemon(temp, config())) {
            assertThat(daemon.aegis("mcp", "approve", "tiny").exitCode()).isZero();
            HttpClient http = HttpClient.newHttpClient();
            StringBuffer events = new StringBuffer();
            HttpResponse<java.util.stream.Stream<String>> stream = http.send(HttpRequest.newBuilder(
                    URI.create(daemon.state().url() + "/aegis/v1/events"))
                    .header(dev.aegis.control.ControlRoutes.CONTROL_TOKEN_HEADER, daemon.state().controlToken()).GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(stream.statusCode()).isEqualTo(200);
            Thread.ofVirtual().start(() -> stream.body().forEach(l -> events.append(l).append('\n')));
            String mcpSession = init(http, daemon);
            String call = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                    + "\"arguments\":{\"text\":\"hi\"}}}";
            Map<String, HttpResponse<String>> answers = new java.util.LinkedHashMap<>();
            answers.put("toolname", http.send(mcp(daemon, mcpSession, Map.of(), call.replace("\"echo\"",
                    "\"" + secret("toolname") + "\"")), HttpResponse.BodyHandlers.ofString()));
            answers.put("requestid", http.send(mcp(daemon, mcpSession, Map.of("X-Request-Id", secret("requestid")), call),
                    HttpResponse.BodyHandlers.ofString()));
            answers.put("rpcmethod", http.send(mcp(daemon, mcpSession, Map.of(), "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\""
                    + secret("rpcmethod") + "\"}"), HttpResponse.BodyHandlers.ofString()));
            answers.put("rpcid", http.send(mcp(daemon, mcpSession, Map.of(), call.replace("\"id\":2", "\"id\":\""
                    + secret("rpcid") + "\"")), HttpResponse.BodyHandlers.ofString()));
            answers.put("runheader", http.send(mcp(daemon, mcpSession, Map.of("x-run-id", secret("runheader")), call),
                    HttpResponse.BodyHandlers.ofString()));
            answers.put("tenantheader", http.send(mcp(daemon, mcpSession, Map.of("x-tenant-id", secret("tenantheader")), call),
                    HttpResponse.BodyHandlers.ofString()));
            answers.put("sessionheader", http.send(mcp(daemon, mcpSession,
                    Map.of("x-claude-code-session-id", secret("sessionheader")), call), HttpResponse.BodyHandlers.ofString()));
            answers.put("marker", http.send(mcp(daemon, mcpSession, Map.of("X-Request-Id", "marker-done"), call),
                    HttpResponse.BodyHandlers.ofString()));
            assertThat(answers.get("marker").body()).contains("\"text\":\"hi\"");
            assertThat(answers.get("toolname").body()).contains("unknown tool");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!events.toString().contains("marker-done") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(events.toString()).contains("marker-done");
            assertThat(daemon.aegis("stop").exitCode()).isZero(); // writes every record
            String written = everythingWritten(Path.of(daemon.home));
            List<String> leaked = answers.keySet().stream().filter(tag -> !tag.equals("marker"))
                    .filter(tag -> events.toString().contains(secret(tag)) || written.contains(secret(tag))).toList();
            assertThat(leaked).as("the secrets that reached the store, receipts, daemon log or live events").isEmpty();
            assertThat(events.toString()).contains("\"tool\":\"(unknown)\"");
            for (String header : List.of("runheader", "tenantheader", "sessionheader")) {
                assertThat(answers.get(header).body()).as(header).doesNotContain(secret(header)).contains("\"error\"");
            }
        }
    }

    /** Every byte the daemon wrote in its home (store and its journal, receipts, logs), as Latin-1 text. */
    private static String everythingWritten(Path home) throws java.io.IOException {
        StringBuilder all = new StringBuilder();
        try (java.util.stream.Stream<Path> files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.append(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return all.toString();
    }

    @Test
    void aStdioServerWritingEndlesslyWithoutANewlineCostsTheDaemonNoMemoryAndLeaksNoSecret() throws Exception {
        String config = tinyServer("tiny", "TINY_FLOOD_MB", "64");
        try (RunningDaemon daemon = new RunningDaemon(temp, config)) {
            EchoSession echo = EchoSession.approvedAndWarm(daemon);
            long pid = daemon.state().pid();
            long peakBefore = peakResidentKb(pid);

            // The server answers once the daemon has read the whole flood from its stderr pipe.
            assertThat(echo.call(TinyStdioMcpServer.FLOOD)).contains("\"text\":\"flood\"");
            Path log = Path.of(daemon.home, "logs", "daemon.log");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Files.readString(log).contains(TinyStdioMcpServer.FLOOD_DONE) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long grew = peakResidentKb(pid) - peakBefore;
            assertThat(grew).as("the daemon's peak resident memory grew by %d KB reading a 64 MB line", grew)
                    .isLessThan(32 * 1024);
            assertThat(echo.call("still here")).contains("\"text\":\"still here\"");

            String written = Files.readString(log);
            assertThat(written).contains("MCP server 'tiny': " + TinyStdioMcpServer.FLOOD_DONE)
                    .contains("MCP server 'tiny': [REDACTED:github_token] [REDACTED:github_token]")
                    .doesNotContain("ghp_").doesNotContain("klmnopqrstuvwxyz").doesNotContain("0123456789abc")
                    .doesNotContain("floodKeyBody").doesNotContain("yyyyyyyyyy");
            assertThat(written.lines().mapToInt(String::length).max().orElse(0)).isLessThan(1000);
            assertThat(written.lines().filter(l -> l.contains("MCP server 'tiny': ")).filter(l -> l.contains("[REDACTED:private_key]")))
                    .as("the key's body, on the line after the one cut").isNotEmpty();
        }
    }

    @Test
    void aStdioServerAnsweringWithAnEndlessLineCostsTheDaemonBoundedMemoryAndTheNextAnswerGetsThrough() throws Exception {
        String config = tinyServer("tiny", "TINY_STDOUT_FLOOD_MB", "160");
        try (RunningDaemon daemon = new RunningDaemon(temp, config)) {
            EchoSession echo = EchoSession.approvedAndWarm(daemon);
            long pid = daemon.state().pid();
            long peakBefore = peakResidentKb(pid);

            // A 160 MB line on stdout, then the real answer: the line is dropped, the answer reaches the client.
            assertThat(echo.call(TinyStdioMcpServer.FLOOD)).contains("\"text\":\"flood\"");
            long grew = peakResidentKb(pid) - peakBefore;
            assertThat(grew).as("the daemon's peak resident memory grew by %d KB reading a 160 MB message", grew)
                    .isLessThan(96 * 1024);
            assertThat(Files.readString(Path.of(daemon.home, "logs", "daemon.log")))
                    .contains("MCP server 'tiny' wrote a message of 167772160 characters");
        }
    }

    /** An MCP session with the approved stdio server {@code tiny}, its {@code echo} tool called once already. */
    private record EchoSession(RunningDaemon daemon, HttpClient http, String mcpSession) {

        static EchoSession approvedAndWarm(RunningDaemon daemon) throws Exception {
            assertThat(daemon.aegis("mcp", "approve", "tiny").exitCode()).isZero();
            HttpClient http = HttpClient.newHttpClient();
            EchoSession session = new EchoSession(daemon, http, init(http, daemon));
            assertThat(session.call("warm")).contains("\"text\":\"warm\"");
            return session;
        }

        /** The answer's body to a tools/call of echo with this text. */
        String call(String text) throws Exception {
            String call = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                    + "\"arguments\":{\"text\":\"%s\"}}}";
            return http.send(mcp(daemon, mcpSession, Map.of(), call.formatted(text)), HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    /** The process's peak resident memory (VmHWM), in KB. */
    private static long peakResidentKb(long pid) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmHWM for " + pid);
    }

    private static String init(HttpClient http, RunningDaemon daemon) throws Exception {
        HttpResponse<String> init = http.send(mcp(daemon, null, Map.of(),
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}"),
                HttpResponse.BodyHandlers.ofString());
        return init.headers().firstValue("Mcp-Session-Id").orElseThrow(() -> new AssertionError(init.body()));
    }

    private static HttpRequest mcp(RunningDaemon daemon, String mcpSession, Map<String, String> headers, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(daemon.state().url() + "/mcp/tiny"))
                .header("Authorization", "Bearer " + daemon.key).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body));
        if (mcpSession != null) {
            b.header("Mcp-Session-Id", mcpSession);
        }
        headers.forEach(b::header);
        return b.build();
    }

    private static HttpRequest mcp(RunningDaemon daemon, String mcpSession, String header, String value,
            String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                URI.create(daemon.state().url() + "/mcp/tiny"))
                .header("Authorization", "Bearer " + daemon.key).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").header(header, value)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (mcpSession != null) {
            b.header("Mcp-Session-Id", mcpSession);
        }
        return b.build();
    }

    @Test
    void initCodexAndEnvClaudeListTheGatewaysServers() throws Exception {
        Path home = temp.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve("aegis.yaml"), config());
        Path codexHome = temp.resolve("codex");
        Files.createDirectories(codexHome);
        Path codexConfig = codexHome.resolve("config.toml");
        Files.writeString(codexConfig, "[mcp_servers.docs]\ncommand = \"docs\"\n\n[mcp_servers.aegis_gone]\nurl = \"http://x\"\n");
        Map<String, String> env = Map.of("CODEX_HOME", codexHome.toString(), "AEGIS_PORT", "9913");

        CliRun plain = CliRun.run(env, CliRun.args(home.toString(), "init", "codex", "--write"));
        assertThat(plain.exitCode()).as(plain.all()).isZero();
        assertThat(Files.readString(codexConfig)).as("without --mcp the MCP entries stay").contains("aegis_gone");

        CliRun init = CliRun.run(env, CliRun.args(home.toString(), "init", "codex", "--write", "--mcp"));
        assertThat(init.exitCode()).as(init.all()).isZero();
        JsonNode toml = new TomlMapper().readTree(Files.readString(codexConfig));
        assertThat(toml.at("/mcp_servers/aegis_tiny/url").asText()).isEqualTo("http://127.0.0.1:9913/mcp/tiny");
        assertThat(toml.at("/mcp_servers/aegis_remote/bearer_token_env_var").asText()).isEqualTo("AEGIS_API_KEY");
        assertThat(toml.at("/mcp_servers/docs/command").asText()).isEqualTo("docs");
        assertThat(toml.path("mcp_servers").has("aegis_gone")).isFalse();
        assertThat(toml.at("/model_providers/aegis/base_url").asText()).isEqualTo("http://127.0.0.1:9913/v1");

        Path mcpJson = temp.resolve("project/.mcp.json");
        Files.createDirectories(mcpJson.getParent());
        Files.writeString(mcpJson, "{\"mcpServers\":{\"mine\":{\"command\":\"x\"}}}");
        CliRun envRun = CliRun.run(env, CliRun.args(home.toString(), "env", "claude", "--mcp", "--mcp-file", mcpJson.toString(),
                "--shell", "bash"));
        assertThat(envRun.exitCode()).as(envRun.all()).isZero();
        assertThat(envRun.out()).contains("export ANTHROPIC_BASE_URL=http://127.0.0.1:9913").contains("aegis_remote, aegis_tiny");
        JsonNode servers = Json.mapper().readTree(mcpJson.toFile()).path("mcpServers");
        assertThat(servers.path("mine").path("command").asText()).isEqualTo("x");
        assertThat(servers.path("aegis_tiny").path("type").asText()).isEqualTo("http");
        assertThat(servers.path("aegis_tiny").path("url").asText()).isEqualTo("http://127.0.0.1:9913/mcp/tiny");
        assertThat(servers.path("aegis_tiny").path("headers").path("Authorization").asText()).isEqualTo("Bearer ${AEGIS_API_KEY}");
    }
}
