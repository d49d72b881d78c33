package dev.aegis.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code mcp} section:
 * <pre>
 * mcp:
 *   timeout: 60s
 *   allow: ["files", "search/query"]
 *   tool_calls_per_minute: 120
 *   keys:
 *     ci: { allow: ["files/read_*"], tool_calls_per_minute: 30 }
 *   servers:
 *     files: { command: ["npx", "@modelcontextprotocol/server-filesystem", "/src"], env: { DEBUG: "1" } }
 *     search: { url: "https://mcp.example.com/mcp" }
 * </pre>
 */
final class McpSection {

    /** A server's name is one segment of {@code /mcp/<name>}. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private McpSection() {}

    static McpConfig read(ConfigNode n) {
        if (n.isMissing()) {
            return McpConfig.NONE;
        }
        if (!n.expectObject()) {
            return McpConfig.NONE;
        }
        n.rejectUnknownKeys(Set.of("servers", "allow", "keys", "tool_calls_per_minute", "timeout"));
        Map<String, McpConfig.Server> servers = new LinkedHashMap<>();
        ConfigNode s = n.child("servers");
        if (!s.isMissing() && s.expectObject()) {
            for (Map.Entry<String, ConfigNode> e : s.entries()) {
                McpConfig.Server server = server(e.getKey(), e.getValue());
                if (server != null) {
                    servers.put(e.getKey(), server);
                }
            }
        }
        Optional<List<String>> allow = allowlist(n.child("allow"));
        Map<String, McpConfig.KeyPolicy> keys = new LinkedHashMap<>();
        ConfigNode k = n.child("keys");
        if (!k.isMissing() && k.expectObject()) {
            for (Map.Entry<String, ConfigNode> e : k.entries()) {
                ConfigNode p = e.getValue();
                if (!p.expectObject()) {
                    continue;
                }
                p.rejectUnknownKeys(Set.of("allow", "tool_calls_per_minute"));
                ConfigNode rate = p.child("tool_calls_per_minute");
                keys.put(e.getKey(), new McpConfig.KeyPolicy(allowlist(p.child("allow")),
                        rate.isMissing() ? null : rate.integer(0, 0, 1_000_000)));
            }
        }
        int rate = n.child("tool_calls_per_minute").integer(0, 0, 1_000_000);
        return new McpConfig(servers, allow, keys, rate, n.child("timeout").duration(McpConfig.DEFAULT_TIMEOUT));
    }

    private static McpConfig.Server server(String name, ConfigNode n) {
        if (!NAME.matcher(name).matches()) {
            n.error("a server's name must be letters, digits, '_', '.' or '-' (it is the path /mcp/<name>)");
            return null;
        }
        if (!n.expectObject()) {
            return null;
        }
        n.rejectUnknownKeys(Set.of("command", "env", "url"));
        ConfigNode command = n.child("command");
        ConfigNode url = n.child("url");
        if (command.isMissing() == url.isMissing()) {
            n.error("needs either command: [program, args...] (a stdio server) or url: (a remote server), not "
                    + (command.isMissing() ? "neither" : "both"));
            return null;
        }
        Map<String, String> env = new LinkedHashMap<>();
        ConfigNode envNode = n.child("env");
        if (!envNode.isMissing() && envNode.expectObject()) {
            for (Map.Entry<String, ConfigNode> e : envNode.entries()) {
                env.put(e.getKey(), e.getValue().text(""));
            }
        }
        if (!url.isMissing()) {
            if (!envNode.isMissing()) {
                envNode.error("applies only to a command (a stdio server)");
            }
            String text = url.text("");
            try {
                URI uri = new URI(text);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    url.error("must be an http:// or https:// URL, not '" + text + "'");
                    return null;
                }
                return new McpConfig.Server(name, List.of(), Map.of(), uri);
            } catch (URISyntaxException e) {
                url.error("is not a URL: '" + text + "'");
                return null;
            }
        }
        List<String> argv = new ArrayList<>();
        for (ConfigNode part : command.elements()) {
            argv.add(part.text(""));
        }
        if (argv.isEmpty() || argv.getFirst().isBlank()) {
            command.error("must name a program: [program, args...]");
            return null;
        }
        return new McpConfig.Server(name, argv, env, null);
    }

    private static Optional<List<String>> allowlist(ConfigNode n) {
        if (n.isMissing()) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        for (ConfigNode entry : n.elements()) {
            String text = entry.text("").strip();
            if (text.isEmpty() || text.chars().filter(c -> c == '/').count() > 1) {
                entry.error("must be \"server\", \"server/tool\" or a glob such as \"files/read_*\", not '" + text + "'");
            } else {
                out.add(text);
            }
        }
        return Optional.of(out);
    }
}
