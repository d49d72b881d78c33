package dev.aegis.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code mcp} section: the MCP servers the daemon serves at {@code /mcp/<name>}, and which of
 * their tools a key may see and call.
 *
 * @param servers by name
 * @param allow the default tool allowlist ({@code "server"}, {@code "server/tool"}, {@code *} globs);
 *     empty when not set (then every tool of an approved server is allowed)
 * @param keys per key (by key id or key name): its own allowlist and tool-call rate
 * @param toolCallsPerMinute the default tool-call limit per key, 0 for none
 * @param timeout how long a request to an MCP server may take before the client gets an error
 */
public record McpConfig(Map<String, Server> servers, Optional<List<String>> allow, Map<String, KeyPolicy> keys,
        int toolCallsPerMinute, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final McpConfig NONE = new McpConfig(Map.of(), Optional.empty(), Map.of(), 0, DEFAULT_TIMEOUT);

    /**
     * One server: a command the daemon starts and supervises (stdio), or a remote Streamable HTTP URL.
     *
     * @param command the program and its arguments (stdio), empty for a remote server
     * @param env variables added to the command's environment
     * @param url the remote endpoint, or null for a stdio server
     */
    public record Server(String name, List<String> command, Map<String, String> env, URI url) {
        public Server {
            command = List.copyOf(command);
            env = Map.copyOf(env);
        }

        public boolean stdio() {
            return url == null;
        }

        /**
         * Where the server is, as any caller may be told: the program of a command (its arguments may
         * carry a credential), or the URL's scheme, host, port and path (its user info and query may).
         */
        public String target() {
            return stdio() ? command.getFirst() : url.getScheme() + "://" + url.getHost()
                    + (url.getPort() > 0 ? ":" + url.getPort() : "") + url.getPath();
        }
    }

    /**
     * What one key may do, over the section's defaults.
     *
     * @param allow its own allowlist, replacing the default one; empty to follow the default
     * @param toolCallsPerMinute its own limit, or null to follow the default
     */
    public record KeyPolicy(Optional<List<String>> allow, Integer toolCallsPerMinute) {}

    public McpConfig {
        servers = Map.copyOf(servers);
        keys = Map.copyOf(keys);
        allow = allow.map(List::copyOf);
    }

    /** The key's policy: by its id first, then by its name. */
    private Optional<KeyPolicy> policy(String keyId, String keyName) {
        KeyPolicy p = keys.get(keyId);
        if (p == null && keyName != null) {
            p = keys.get(keyName);
        }
        return Optional.ofNullable(p);
    }

    /** The allowlist that applies to a key: its own, else the default; empty when none is set (all allowed). */
    public Optional<List<String>> allowlist(String keyId, String keyName) {
        return policy(keyId, keyName).flatMap(KeyPolicy::allow).or(() -> allow);
    }

    /** True when the key may see and call this tool of this server. */
    public boolean allows(String keyId, String keyName, String server, String tool) {
        Optional<List<String>> list = allowlist(keyId, keyName);
        if (list.isEmpty()) {
            return true;
        }
        for (String entry : list.get()) {
            int slash = entry.indexOf('/');
            String serverGlob = slash < 0 ? entry : entry.substring(0, slash);
            String toolGlob = slash < 0 ? "*" : entry.substring(slash + 1);
            if (PassthroughConfig.Glob.matches(serverGlob, server) && PassthroughConfig.Glob.matches(toolGlob, tool)) {
                return true;
            }
        }
        return false;
    }

    /** True when the key may reach this server at all: its allowlist, if any, names some of its tools. */
    public boolean allowsServer(String keyId, String keyName, String server) {
        Optional<List<String>> list = allowlist(keyId, keyName);
        return list.isEmpty() || list.get().stream().anyMatch(entry -> {
            int slash = entry.indexOf('/');
            return PassthroughConfig.Glob.matches(slash < 0 ? entry : entry.substring(0, slash), server);
        });
    }

    /** The key's tool calls per minute, 0 for no limit. */
    public int toolCallsPerMinute(String keyId, String keyName) {
        return policy(keyId, keyName).map(KeyPolicy::toolCallsPerMinute).orElse(toolCallsPerMinute);
    }
}
