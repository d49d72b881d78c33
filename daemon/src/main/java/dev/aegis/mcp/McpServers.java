package dev.aegis.mcp;

import dev.aegis.config.AegisConfig;
import dev.aegis.config.McpConfig;
import dev.aegis.config.SecretsConfig;
import dev.aegis.proxy.UpstreamClient;
import dev.aegis.security.LineRedactor;
import dev.aegis.security.SecretGuard;
import dev.aegis.security.SecretKind;
import dev.aegis.security.SecretScanner;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The configured MCP servers, each reached through one {@link McpUpstream}. Stdio servers are
 * started with the daemon; a server whose config changes on reload is replaced (its process stopped),
 * and one removed from the config is stopped on its next use.
 */
public final class McpServers implements AutoCloseable {

    private final Supplier<AegisConfig> config;
    private final UpstreamClient http;
    private final Map<String, McpUpstream> upstreams = new ConcurrentHashMap<>();

    /** @param http the daemon's client of providers, which also reaches the remote (HTTP) servers */
    public McpServers(Supplier<AegisConfig> config, UpstreamClient http) {
        this.config = config;
        this.http = http;
    }

    /** Starts every stdio server in the background. */
    public void startAll() {
        config.get().mcp().servers().keySet().forEach(name -> find(name).ifPresent(McpUpstream::startEarly));
    }

    /** The server of this name in the current config, or empty. */
    Optional<McpUpstream> find(String name) {
        McpConfig.Server wanted = config.get().mcp().servers().get(name);
        if (wanted == null) {
            McpUpstream gone = upstreams.remove(name);
            if (gone != null) {
                gone.close();
            }
            return Optional.empty();
        }
        McpUpstream current = upstreams.compute(name, (n, existing) -> {
            if (existing != null && existing.config().equals(wanted)) {
                return existing;
            }
            if (existing != null) {
                existing.close();
            }
            McpTransport transport = wanted.stdio() ? new StdioTransport(wanted, () -> new LineRedactor(scanner()))
                    : new HttpTransport(wanted, http);
            return new McpUpstream(wanted, transport, () -> config.get().mcp().timeout(),
                    text -> new LineRedactor(scanner()).line(text));
        });
        return Optional.of(current);
    }

    /** What a server's stderr is redacted with, whatever the secrets mode: every secret the scanner knows. */
    private SecretScanner scanner() {
        return scanners.computeIfAbsent(config.get().secrets(), c -> SecretGuard.scanner(c, SecretKind.BUILT_IN));
    }

    private final Map<SecretsConfig, SecretScanner> scanners = new ConcurrentHashMap<>();

    @Override
    public void close() {
        upstreams.values().forEach(McpUpstream::close);
        upstreams.clear();
    }
}
