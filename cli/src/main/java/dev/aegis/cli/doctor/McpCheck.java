package dev.aegis.cli.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.cli.CliContext;
import dev.aegis.cli.ClaudeMcpFile;
import dev.aegis.cli.ClientSetup;
import dev.aegis.cli.CodexConfigFile;
import dev.aegis.cli.McpClientEntries;
import dev.aegis.cli.daemon.DaemonClient;
import dev.aegis.cli.daemon.DaemonLocator;
import dev.aegis.cli.daemon.DaemonStatus;
import dev.aegis.config.AegisConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gateway's MCP servers: each one served by the running daemon (approved, tools unchanged,
 * reachable), and the client's MCP entries ({@code aegis_<name>} in Codex's {@code config.toml} or
 * Claude Code's {@code .mcp.json}) naming exactly them at this daemon's URL.
 */
final class McpCheck {

    private static final String SERVERS = "mcp servers";
    private static final String CLIENT = "mcp client";

    private McpCheck() {}

    static List<Finding> check(AgentClient client, CliContext context, AegisConfig config) {
        List<Finding> out = new ArrayList<>();
        if (config.mcp().servers().isEmpty()) {
            return out;
        }
        out.addAll(servers(context));
        if (client != null) {
            out.add(clientEntries(client, context, config));
        }
        return out;
    }

    private static List<Finding> servers(CliContext context) {
        DaemonStatus status = new DaemonLocator(context.home()).locate();
        if (!status.running() || status.state().isEmpty()) {
            return List.of();
        }
        JsonNode servers;
        try {
            servers = new DaemonClient().mcp(status.state().get(), null).path("servers");
        } catch (IOException e) {
            return List.of(Finding.warn(SERVERS, "the daemon did not say how its MCP servers are: " + e.getMessage(),
                    "aegis mcp list"));
        }
        List<Finding> out = new ArrayList<>();
        for (JsonNode s : servers) {
            String name = s.path("name").asText();
            String message = s.path("message").asText("");
            out.add(switch (s.path("state").asText()) {
                case "ok" -> Finding.pass(SERVERS, name + ": served, " + s.path("tools").asInt() + " approved tools");
                case "not_approved" -> Finding.warn(SERVERS, name + ": not approved yet, so it is refused",
                        "review its tools, then: aegis mcp approve " + name);
                case "tools_changed" -> Finding.fail(SERVERS, message, "review the change, then: aegis mcp approve " + name);
                default -> Finding.fail(SERVERS, message, "check mcp.servers." + name + " in the config and the daemon's log");
            });
        }
        return out;
    }

    private static Finding clientEntries(AgentClient client, CliContext context, AegisConfig config) {
        Map<String, String> expected = McpClientEntries.of(config, ClientSetup.baseUrl(context));
        Map<String, String> found = new TreeMap<>();
        Path file;
        String fix;
        try {
            if (client == AgentClient.CODEX) {
                file = CodexConfigFile.location(context);
                fix = "aegis init codex --write --mcp";
                if (Files.exists(file)) {
                    CodexConfigFile.read(file).path("mcp_servers").properties().forEach(e -> {
                        if (e.getKey().startsWith(McpClientEntries.PREFIX)) {
                            found.put(e.getKey(), e.getValue().path("url").asText());
                        }
                    });
                }
            } else {
                file = Path.of(".mcp.json");
                fix = "eval \"$(aegis env claude --mcp)\"";
                found.putAll(ClaudeMcpFile.entries(file));
            }
        } catch (IOException e) {
            return Finding.warn(CLIENT, "cannot read the client's MCP entries: " + e.getMessage(), "repair the file");
        }
        if (found.equals(new TreeMap<>(expected))) {
            return Finding.pass(CLIENT, file + " lists the gateway's MCP servers: " + String.join(", ", expected.keySet()));
        }
        List<String> problems = new ArrayList<>();
        expected.forEach((name, url) -> {
            if (!found.containsKey(name)) {
                problems.add(name + " is missing");
            } else if (!found.get(name).equals(url)) {
                problems.add(name + " points at " + found.get(name) + ", not " + url);
            }
        });
        found.keySet().stream().filter(n -> !expected.containsKey(n)).forEach(n -> problems.add(n + " names no configured server"));
        return Finding.warn(CLIENT, file + ": " + String.join("; ", problems), fix);
    }
}
