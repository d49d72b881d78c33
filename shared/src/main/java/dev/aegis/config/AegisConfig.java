package dev.aegis.config;

import dev.aegis.store.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated, immutable configuration of one daemon: file, environment and flags already merged.
 *
 * @param defaultProvider the provider for models that no alias or route names; empty means refuse them
 * @param storeUrl the JDBC URL of the database ({@code jdbc:sqlite:...} or {@code jdbc:postgresql:...}, the
 *     password from {@code store.password_env} already in it: show it only through {@code StoreUrls.redacted})
 * @param storeConnectionTimeout how long a call or a record writer waits for a free PostgreSQL connection
 *     before the database counts as unavailable ({@code store.connection_timeout})
 * @param passthrough what limited keys may reach beyond the endpoints Aegis reads
 * @param mcp the MCP servers served at {@code /mcp/<name>} and their tool governance
 * @param source the file it was read from, or null for zero-config
 */
public record AegisConfig(
        ServerConfig server,
        Map<String, ProviderConfig> providers,
        Optional<String> defaultProvider,
        Map<String, List<ModelTarget>> models,
        List<RouteRule> routes,
        RetryConfig retry,
        TimeoutConfig timeouts,
        boolean streamIncludeUsage,
        String storeUrl,
        Duration storeConnectionTimeout,
        PricingConfig pricing,
        AuditConfig audit,
        GovernanceConfig governance,
        SecretsConfig secrets,
        PassthroughConfig passthrough,
        McpConfig mcp,
        Path source) {

    public AegisConfig {
        providers = Map.copyOf(providers);
        models = Map.copyOf(models);
        routes = List.copyOf(routes);
        mcp = mcp == null ? McpConfig.NONE : mcp;
        storeConnectionTimeout = storeConnectionTimeout == null ? Database.CONNECTION_TIMEOUT : storeConnectionTimeout;
    }

    /** A config without MCP servers. */
    public AegisConfig(ServerConfig server, Map<String, ProviderConfig> providers, Optional<String> defaultProvider,
            Map<String, List<ModelTarget>> models, List<RouteRule> routes, RetryConfig retry, TimeoutConfig timeouts,
            boolean streamIncludeUsage, String storeUrl, PricingConfig pricing, AuditConfig audit,
            GovernanceConfig governance, SecretsConfig secrets, PassthroughConfig passthrough, Path source) {
        this(server, providers, defaultProvider, models, routes, retry, timeouts, streamIncludeUsage, storeUrl,
                Database.CONNECTION_TIMEOUT, pricing, audit, governance, secrets, passthrough, McpConfig.NONE, source);
    }
}
