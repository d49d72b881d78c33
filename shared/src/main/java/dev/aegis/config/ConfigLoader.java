package dev.aegis.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.aegis.home.AegisHome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code aegis.yaml} (optional), overlays the environment and flags, and validates the result.
 *
 * <p>Precedence, written only here: flag &gt; environment &gt; file &gt; built-in default. Every
 * error is collected and reported with its path, so one run of {@code aegis config check} lists them all.
 */
public final class ConfigLoader {

    /** Top-level sections; those not read yet are accepted so one file serves every version. */
    private static final Set<String> TOP_LEVEL = Set.of(
            "server", "providers", "default_provider", "models", "routes", "retry", "timeouts",
            "governance", "security", "audit", "pricing", "store", "passthrough", "mcp");

    /** Two members of one name in a mapping are an error: which one counts would be the parser's choice. */
    private static final YAMLMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final Map<String, String> env;
    private final AegisHome home;

    /** @param home supplies defaults that live in the home folder (the database) */
    public ConfigLoader(Map<String, String> env, AegisHome home) {
        this.env = Map.copyOf(env);
        this.home = home;
    }

    /** Where the store is: its URL and how long to wait for a connection. */
    public record StoreLocation(String url, Duration connectionTimeout) {}

    /**
     * The store's settings alone ({@code store:} with the environment), for the CLI's commands that need only the
     * database while the rest of the file has errors: a typo elsewhere in {@code aegis.yaml} must not keep a
     * leaked key from being revoked. Throws when the file cannot be read as YAML or its {@code store:} has errors.
     */
    public StoreLocation storeOnly(Path file, boolean mustExist) throws ConfigException {
        List<ConfigError> errors = new ArrayList<>();
        String source = source(file, mustExist);
        ConfigNode root = root(file, mustExist, source, errors);
        String url = RecordsSections.store(root.child("store"), env, home);
        Duration timeout = RecordsSections.storeConnectionTimeout(root.child("store"), url);
        if (!errors.isEmpty()) {
            throw new ConfigException(source, errors);
        }
        return new StoreLocation(url, timeout);
    }

    /**
     * Loads the config.
     *
     * @param file the config file; when null or (if {@code mustExist} is false) absent, zero-config applies
     */
    public AegisConfig load(Path file, boolean mustExist, ConfigOverrides overrides) throws ConfigException {
        List<ConfigError> errors = new ArrayList<>();
        String source = source(file, mustExist);
        ConfigNode root = root(file, mustExist, source, errors);
        root.rejectUnknownKeys(TOP_LEVEL);

        ServerConfig server = server(root.child("server"), overrides);
        Map<String, ProviderConfig> providers = new ProvidersSection(env).read(root.child("providers"));
        Optional<String> defaultProvider = defaultProvider(root.child("default_provider"), providers);
        Map<String, List<ModelTarget>> models = models(root.child("models"), providers);
        List<RouteRule> routes = routes(root.child("routes"), providers);
        RetryConfig retry = retry(root.child("retry"));
        TimeoutConfig timeouts = timeouts(root.child("timeouts"));
        boolean includeUsage = Boolean.parseBoolean(Setting.AEGIS_STREAM_INCLUDE_USAGE.orDefault(env));
        String storeUrl = RecordsSections.store(root.child("store"), env, home);
        Duration storeConnectionTimeout = RecordsSections.storeConnectionTimeout(root.child("store"), storeUrl);
        PricingConfig pricing = RecordsSections.pricing(root.child("pricing"));
        AuditConfig audit = RecordsSections.audit(root.child("audit"), env, home);
        GovernanceConfig governance = GovernanceSection.read(root.child("governance"), env);
        SecretsConfig secrets = SecuritySection.secrets(root.child("security"));
        PassthroughConfig passthrough = PassthroughSection.read(root.child("passthrough"));
        McpConfig mcp = McpSection.read(root.child("mcp"));
        ProvidersSection.rejectSelfLoops(server, providers, root.child("providers"));
        ProvidersSection.rejectAegisKeys(providers, root.child("providers"));

        if (!errors.isEmpty()) {
            throw new ConfigException(source, errors);
        }
        Path existing = file != null && Files.exists(file) ? file : null;
        return new AegisConfig(
                server, providers, defaultProvider, models, routes, retry, timeouts, includeUsage, storeUrl,
                storeConnectionTimeout, pricing, audit, governance, secrets, passthrough, mcp, existing);
    }

    /** What errors name as the config's source. A home without aegis.yaml: the defaults and the environment. */
    private static String source(Path file, boolean mustExist) {
        return file == null || !mustExist && !Files.exists(file) ? "(no config file: the defaults and the environment)"
                : file.toString();
    }

    /** The file's top-level mapping; a ConfigException when it cannot be read as one. */
    private static ConfigNode root(Path file, boolean mustExist, String source, List<ConfigError> errors) throws ConfigException {
        JsonNode tree = readTree(file, mustExist, errors);
        if (!errors.isEmpty()) {
            throw new ConfigException(source, errors);
        }
        ConfigNode root = new ConfigNode(tree, "", errors);
        if (!root.expectObject()) {
            throw new ConfigException(source, errors);
        }
        return root;
    }

    /**
     * The largest config file read: a real one is a few KB. The YAML parser took seconds per megabyte (a 50 MB
     * file: minutes and GBs of heap, in the CLI and again in the running daemon's reload).
     */
    static final int MAX_FILE_BYTES = 1024 * 1024;

    private static JsonNode readTree(Path file, boolean mustExist, List<ConfigError> errors) {
        if (file == null) {
            return MissingNode.getInstance();
        }
        try {
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            }
            if (bytes.length > MAX_FILE_BYTES) {
                errors.add(new ConfigError("(file)", "larger than " + MAX_FILE_BYTES / 1024 + " KB: not a config file"));
                return MissingNode.getInstance();
            }
            int bad = notUtf8At(bytes);
            if (bad >= 0) {
                errors.add(new ConfigError("(file)", "not UTF-8 text (byte " + bad + " is not): save it as UTF-8"));
                return MissingNode.getInstance();
            }
            JsonNode tree = YAML.readTree(bytes);
            return tree == null ? MissingNode.getInstance() : tree;
        } catch (NoSuchFileException e) {
            if (mustExist) {
                errors.add(new ConfigError("(file)", "not found: " + file));
            }
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            errors.add(new ConfigError("(file)", "not valid YAML" + where + ": " + e.getOriginalMessage()));
        } catch (IOException e) {
            errors.add(new ConfigError("(file)", "cannot read " + file + ": " + e.getMessage()));
        }
        return MissingNode.getInstance();
    }

    /** The offset of the first byte that is not valid UTF-8, or -1 when all are. */
    private static int notUtf8At(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CoderResult result = decoder.decode(in, CharBuffer.allocate(Math.max(16, bytes.length)), true);
        return result.isError() ? in.position() : -1;
    }

    private ServerConfig server(ConfigNode n, ConfigOverrides overrides) {
        n.expectObject();
        n.rejectUnknownKeys(Set.of("host", "port", "max_body", "cors", "allowed_hosts", "max_inflight_body", "read_timeout",
                "busy_poll", "head_busy_poll", "front", "platform_threads", "max_connections"));
        String host = n.child("host").text(ServerConfig.DEFAULT_HOST);
        int port = n.child("port").integer(ServerConfig.DEFAULT_PORT, 0, 65535);
        port = envPort(Setting.PORT, port, n);
        port = envPort(Setting.AEGIS_PORT, port, n);
        if (overrides.port() != null) {
            port = overrides.port();
        }
        if (overrides.host() != null) {
            host = overrides.host();
        }
        String hostProblem = ServerConfig.hostProblem(host);
        if (hostProblem != null) {
            n.child("host").error(hostProblem);
        }
        long maxBody = n.child("max_body").bytes(ServerConfig.DEFAULT_MAX_BODY);
        if (maxBody <= 0) {
            n.child("max_body").error("must be positive");
        }
        ConfigNode cors = n.child("cors");
        cors.expectObject();
        cors.rejectUnknownKeys(Set.of("allowed_origins"));
        ConfigNode origins = cors.child("allowed_origins");
        List<String> allowed = new ArrayList<>();
        if (origins.isList()) {
            origins.elements().forEach(o -> allowed.add(o.text("")));
        } else if ("mirror".equals(origins.text(null))) {
            allowed.add("mirror");
        } else if (!origins.isMissing()) {
            origins.error("must be a list of origins, or mirror");
        }
        ConfigNode hosts = n.child("allowed_hosts");
        List<String> allowedHosts = new ArrayList<>();
        if (hosts.isList()) {
            hosts.elements().forEach(h -> {
                String name = h.text("");
                if (name.isBlank() || name.contains("/") || name.contains(" ")) {
                    h.error("must be a host name or address (no scheme, no path), or *");
                } else {
                    allowedHosts.add(name);
                }
            });
        } else if (!hosts.isMissing()) {
            hosts.error("must be a list of host names, e.g. [aegis.internal] (or [\"*\"] to allow any)");
        }
        long maxInflight = n.child("max_inflight_body").bytes(ServerConfig.DEFAULT_MAX_INFLIGHT_BODY);
        if (maxInflight < maxBody) {
            n.child("max_inflight_body").error("must be at least server.max_body (" + maxBody + " bytes)");
        }
        java.time.Duration readTimeout = n.child("read_timeout").duration(ServerConfig.DEFAULT_READ_TIMEOUT);
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            n.child("read_timeout").error("must be positive");
        }
        java.time.Duration busyPoll = busyPoll(n.child("busy_poll"), ServerConfig.DEFAULT_BUSY_POLL);
        java.time.Duration headBusyPoll = busyPoll(n.child("head_busy_poll"), ServerConfig.DEFAULT_HEAD_BUSY_POLL);
        boolean front = n.child("front").bool(true);
        int platformThreads = n.child("platform_threads").integer(ServerConfig.defaultPlatformThreads(), 0,
                ServerConfig.MAX_PLATFORM_THREADS);
        int maxConnections = n.child("max_connections").integer(ServerConfig.AUTO_MAX_CONNECTIONS,
                ServerConfig.MIN_MAX_CONNECTIONS, ServerConfig.MAX_MAX_CONNECTIONS);
        return new ServerConfig(host, port, maxBody, allowed, allowedHosts, maxInflight, readTimeout, busyPoll, headBusyPoll,
                front, platformThreads, maxConnections);
    }

    private static java.time.Duration busyPoll(ConfigNode n, java.time.Duration defaultValue) {
        java.time.Duration d = n.duration(defaultValue);
        if (d.isNegative() || d.compareTo(ServerConfig.MAX_BUSY_POLL) > 0) {
            n.error("must be from 0 (never) to 10ms");
        }
        return d;
    }

    private int envPort(Setting setting, int current, ConfigNode where) {
        String v = setting.from(env);
        if (v == null) {
            return current;
        }
        try {
            int p = Integer.parseInt(v);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        where.child("port").error("environment variable " + setting.name() + "='" + v + "' is not a port number");
        return current;
    }

    private Optional<String> defaultProvider(ConfigNode n, Map<String, ProviderConfig> providers) {
        String name = n.text(null);
        if (name == null) {
            name = Setting.AEGIS_DEFAULT_PROVIDER.orDefault(env);
        }
        if (name.equals("none")) {
            return Optional.empty();
        }
        if (!providers.containsKey(name)) {
            n.error("names no provider: '" + name + "' (known: " + String.join(", ", providers.keySet()) + ", none)");
        }
        return Optional.of(name);
    }

    private static Map<String, List<ModelTarget>> models(ConfigNode n, Map<String, ProviderConfig> providers) {
        Map<String, List<ModelTarget>> out = new LinkedHashMap<>();
        if (!n.expectObject()) {
            return out;
        }
        for (Map.Entry<String, ConfigNode> alias : n.entries()) {
            List<ModelTarget> chain = new ArrayList<>();
            for (ConfigNode step : alias.getValue().elements()) {
                step.expectObject();
                step.rejectUnknownKeys(Set.of("provider", "model"));
                String provider = step.child("provider").text(null);
                String model = step.child("model").text(null);
                if (provider == null || !providers.containsKey(provider)) {
                    step.child("provider").error("names no configured provider: " + provider);
                } else if (model == null) {
                    step.child("model").error("is required");
                } else {
                    chain.add(new ModelTarget(provider, model));
                }
            }
            if (chain.isEmpty()) {
                alias.getValue().error("needs at least one { provider, model } step");
            }
            out.put(alias.getKey(), chain);
        }
        return out;
    }

    /** Without a {@code routes} section, Claude models go to the built-in anthropic provider. */
    private static final List<RouteRule> DEFAULT_ROUTES = List.of(RouteRule.of("claude-*", "anthropic"));

    private static List<RouteRule> routes(ConfigNode n, Map<String, ProviderConfig> providers) {
        if (n.isMissing()) {
            return DEFAULT_ROUTES;
        }
        List<RouteRule> out = new ArrayList<>();
        if (!n.expectObject()) {
            return out;
        }
        for (Map.Entry<String, ConfigNode> e : n.entries()) {
            String provider = e.getValue().text(null);
            if (provider == null || !providers.containsKey(provider)) {
                e.getValue().error("names no configured provider: " + provider);
            } else {
                out.add(RouteRule.of(e.getKey(), provider));
            }
        }
        return out;
    }

    private static RetryConfig retry(ConfigNode n) {
        n.expectObject();
        n.rejectUnknownKeys(Set.of("attempts", "base_delay", "max_delay"));
        RetryConfig d = RetryConfig.DEFAULT;
        return new RetryConfig(
                n.child("attempts").integer(d.attempts(), 1, 10),
                n.child("base_delay").duration(d.baseDelay()),
                n.child("max_delay").duration(d.maxDelay()));
    }

    private static TimeoutConfig timeouts(ConfigNode n) {
        n.expectObject();
        n.rejectUnknownKeys(Set.of("connect", "first_byte", "idle"));
        TimeoutConfig d = TimeoutConfig.DEFAULT;
        return new TimeoutConfig(
                n.child("connect").duration(d.connect()),
                n.child("first_byte").duration(d.firstByte()),
                n.child("idle").duration(d.idle()));
    }

    /** A provider that points at this daemon's own address would call itself forever. */
}
