package dev.aegis.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.aegis.home.AegisHome;
import dev.aegis.store.Database;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
            "governance", "security", "audit", "pricing", "store");

    private static final YAMLMapper YAML = new YAMLMapper();

    private final Map<String, String> env;
    private final AegisHome home;

    /** @param home supplies defaults that live in the home folder (the database) */
    public ConfigLoader(Map<String, String> env, AegisHome home) {
        this.env = Map.copyOf(env);
        this.home = home;
    }

    /**
     * Loads the config.
     *
     * @param file the config file; when null or (if {@code mustExist} is false) absent, zero-config applies
     */
    public AegisConfig load(Path file, boolean mustExist, ConfigOverrides overrides) throws ConfigException {
        List<ConfigError> errors = new ArrayList<>();
        JsonNode tree = readTree(file, mustExist, errors);
        String source = file == null ? "(defaults)" : file.toString();
        if (!errors.isEmpty()) {
            throw new ConfigException(source, errors);
        }
        ConfigNode root = new ConfigNode(tree, "", errors);
        if (!root.expectObject()) {
            throw new ConfigException(source, errors);
        }
        root.rejectUnknownKeys(TOP_LEVEL);

        ServerConfig server = server(root.child("server"), overrides);
        Map<String, ProviderConfig> providers = providers(root.child("providers"));
        Optional<String> defaultProvider = defaultProvider(root.child("default_provider"), providers);
        Map<String, List<ModelTarget>> models = models(root.child("models"), providers);
        List<RouteRule> routes = routes(root.child("routes"), providers);
        RetryConfig retry = retry(root.child("retry"));
        TimeoutConfig timeouts = timeouts(root.child("timeouts"));
        boolean includeUsage = Boolean.parseBoolean(Setting.AEGIS_STREAM_INCLUDE_USAGE.orDefault(env));
        String storeUrl = store(root.child("store"));
        PricingConfig pricing = pricing(root.child("pricing"));
        rejectSelfLoops(server, providers, root.child("providers"));

        if (!errors.isEmpty()) {
            throw new ConfigException(source, errors);
        }
        Path existing = file != null && Files.exists(file) ? file : null;
        return new AegisConfig(
                server, providers, defaultProvider, models, routes, retry, timeouts, includeUsage, storeUrl, pricing,
                existing);
    }

    private static JsonNode readTree(Path file, boolean mustExist, List<ConfigError> errors) {
        if (file == null) {
            return MissingNode.getInstance();
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
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

    private ServerConfig server(ConfigNode n, ConfigOverrides overrides) {
        n.expectObject();
        n.rejectUnknownKeys(Set.of("host", "port", "max_body", "cors"));
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
        long maxBody = n.child("max_body").bytes(ServerConfig.DEFAULT_MAX_BODY);
        if (maxBody <= 0) {
            n.child("max_body").error("must be positive");
        }
        ConfigNode cors = n.child("cors");
        cors.expectObject();
        cors.rejectUnknownKeys(Set.of("allowed_origins"));
        ConfigNode origins = cors.child("allowed_origins");
        List<String> allowed = new ArrayList<>();
        if ("mirror".equals(origins.text(null))) {
            allowed.add("mirror");
        } else {
            origins.elements().forEach(o -> allowed.add(o.text("")));
        }
        return new ServerConfig(host, port, maxBody, allowed);
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

    private Map<String, ProviderConfig> providers(ConfigNode n) {
        Map<String, ProviderConfig> out = new LinkedHashMap<>();
        out.put("openai", builtIn("openai", ProviderType.OPENAI, Setting.AEGIS_OPENAI_BASE_URL, "OPENAI_API_KEY", n));
        out.put("anthropic",
                builtIn("anthropic", ProviderType.ANTHROPIC, Setting.AEGIS_ANTHROPIC_BASE_URL, "ANTHROPIC_API_KEY", n));
        if (!n.expectObject()) {
            return out;
        }
        for (Map.Entry<String, ConfigNode> e : n.entries()) {
            ProviderConfig p = provider(e.getKey(), e.getValue(), out.get(e.getKey()));
            if (p != null) {
                out.put(e.getKey(), p);
            }
        }
        return out;
    }

    private ProviderConfig builtIn(String name, ProviderType type, Setting baseUrl, String keyEnv, ConfigNode where) {
        URI url = httpUrl(baseUrl.orDefault(env), where.child(name).child("base_url"), " (from " + baseUrl.name() + ")");
        return new ProviderConfig(name, type, url == null ? URI.create(baseUrl.defaultValue()) : url, keyEnv,
                env.get(keyEnv), null);
    }

    private ProviderConfig provider(String name, ConfigNode n, ProviderConfig base) {
        if (!n.expectObject()) {
            return null;
        }
        n.rejectUnknownKeys(Set.of("type", "base_url", "api_key_env", "api_version", "max_classification"));
        String typeText = n.child("type").text(base == null ? null : base.type().id());
        if (typeText == null) {
            n.child("type").error("is required (openai, anthropic, azure or openai-compatible)");
            return null;
        }
        Optional<ProviderType> type = ProviderType.fromId(typeText);
        if (type.isEmpty()) {
            n.child("type").error("'" + typeText + "' is not one of openai, anthropic, azure, openai-compatible");
            return null;
        }
        URI url = base == null ? null : base.baseUrl();
        String urlText = n.child("base_url").text(null);
        if (urlText != null) {
            url = httpUrl(urlText, n.child("base_url"), "");
        } else if (url == null) {
            n.child("base_url").error("is required");
        }
        String keyEnv = n.child("api_key_env").text(base == null ? null : base.apiKeyEnv());
        String apiVersion = n.child("api_version").text(null);
        if (type.get() == ProviderType.AZURE && apiVersion == null) {
            n.child("api_version").error("is required for azure providers (e.g. \"2024-10-21\")");
        }
        if (url == null) {
            return null;
        }
        return new ProviderConfig(name, type.get(), url, keyEnv, keyEnv == null ? null : env.get(keyEnv), apiVersion);
    }

    private static URI httpUrl(String text, ConfigNode where, String origin) {
        try {
            URI u = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            if (u.getHost() != null && ("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
                return u;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        where.error("'" + text + "'" + origin + " is not an http(s) URL");
        return null;
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

    private String store(ConfigNode n) {
        n.expectObject();
        n.rejectUnknownKeys(Set.of("url"));
        String url = n.child("url").text(null);
        if (url == null) {
            return Database.defaultUrl(home);
        }
        if (!url.startsWith("jdbc:sqlite:")) {
            n.child("url").error("only jdbc:sqlite: URLs are supported for now, not '" + url + "'");
            return Database.defaultUrl(home);
        }
        return "jdbc:sqlite:" + AegisHome.expandTilde(url.substring("jdbc:sqlite:".length()));
    }

    private static PricingConfig pricing(ConfigNode n) {
        n.expectObject();
        n.rejectUnknownKeys(Set.of("unknown", "file", "overrides"));
        String unknown = n.child("unknown").text("allow");
        if (!unknown.equals("allow") && !unknown.equals("refuse")) {
            n.child("unknown").error("must be allow or refuse, not '" + unknown + "'");
        }
        String file = n.child("file").text(null);
        Path path = file == null ? null : AegisHome.expandTilde(file);
        if (path != null && !Files.isReadable(path)) {
            n.child("file").error("cannot read " + path);
        }
        Map<String, PricingConfig.PriceOverride> overrides = new LinkedHashMap<>();
        ConfigNode o = n.child("overrides");
        if (o.expectObject()) {
            for (Map.Entry<String, ConfigNode> e : o.entries()) {
                ConfigNode m = e.getValue();
                m.expectObject();
                m.rejectUnknownKeys(Set.of("input", "cached_input", "cache_write", "output"));
                BigDecimal input = m.child("input").decimal(null);
                BigDecimal output = m.child("output").decimal(null);
                if (input == null || output == null) {
                    m.error("needs at least input and output (USD per million tokens)");
                    continue;
                }
                overrides.put(e.getKey(), new PricingConfig.PriceOverride(input, m.child("cached_input").decimal(null),
                        m.child("cache_write").decimal(null), output));
            }
        }
        return new PricingConfig("refuse".equals(unknown), path, overrides);
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
    private static void rejectSelfLoops(ServerConfig server, Map<String, ProviderConfig> providers, ConfigNode n) {
        for (ProviderConfig p : providers.values()) {
            URI u = p.baseUrl();
            int port = u.getPort() != -1 ? u.getPort() : ("https".equals(u.getScheme()) ? 443 : 80);
            if (port == server.port() && isLocal(u.getHost()) && (isLocal(server.host()) || server.host().equals(u.getHost()))) {
                n.child(p.name()).child("base_url").error("points back at this daemon (" + u
                        + "); set it to the real provider, not to Aegis (AEGIS_"
                        + p.name().toUpperCase(Locale.ROOT) + "_BASE_URL, not OPENAI_BASE_URL)");
            }
        }
    }

    private static boolean isLocal(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equals("localhost") || h.equals("0.0.0.0") || h.equals("::")) {
            return true;
        }
        try {
            return h.matches("[0-9.:a-fA-F]+") && InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
