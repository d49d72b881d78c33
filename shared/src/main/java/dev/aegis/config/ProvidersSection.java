package dev.aegis.config;

import dev.aegis.keys.ApiKeys;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads the {@code providers} section over the built-in openai and anthropic providers. */
final class ProvidersSection {

    private final Map<String, String> env;

    ProvidersSection(Map<String, String> env) {
        this.env = env;
    }

    Map<String, ProviderConfig> read(ConfigNode n) {
        Map<String, ProviderConfig> out = new LinkedHashMap<>();
        out.put("openai", builtIn("openai", ProviderType.OPENAI, Setting.AEGIS_OPENAI_BASE_URL, "OPENAI_API_KEY", n));
        out.put("anthropic",
                builtIn("anthropic", ProviderType.ANTHROPIC, Setting.AEGIS_ANTHROPIC_BASE_URL, "ANTHROPIC_API_KEY", n));
        if (!n.expectObject()) {
            return out;
        }
        for (Map.Entry<String, ConfigNode> e : n.entries()) {
            ProviderConfig p = provider(e.getKey(), e.getValue(), out.get(e.getKey()), urlFromEnvironment(e.getKey()));
            if (p != null) {
                out.put(e.getKey(), p);
            }
        }
        return out;
    }

    private ProviderConfig builtIn(String name, ProviderType type, Setting baseUrl, String keyEnv, ConfigNode where) {
        URI url = httpUrl(baseUrl.orDefault(env), where.child(name).child("base_url"), " (from " + baseUrl.name() + ")");
        return new ProviderConfig(name, type, url == null ? URI.create(baseUrl.defaultValue()) : url, keyEnv,
                env.get(keyEnv), null, Classification.RESTRICTED, null, null);
    }

    /**
     * True when a built-in provider's URL is set in the environment ({@code AEGIS_OPENAI_BASE_URL},
     * {@code AEGIS_ANTHROPIC_BASE_URL}), which wins over the file's {@code base_url} as the environment
     * wins over the file everywhere: a file written by {@code aegis config init} names the public URLs,
     * and must not send calls meant for a local server there.
     */
    private boolean urlFromEnvironment(String name) {
        Setting setting = switch (name) {
            case "openai" -> Setting.AEGIS_OPENAI_BASE_URL;
            case "anthropic" -> Setting.AEGIS_ANTHROPIC_BASE_URL;
            default -> null;
        };
        return setting != null && setting.from(env) != null;
    }

    private ProviderConfig provider(String name, ConfigNode n, ProviderConfig base, boolean urlFromEnvironment) {
        if (!n.expectObject()) {
            return null;
        }
        n.rejectUnknownKeys(
                Set.of("type", "base_url", "api_key_env", "api_version", "max_classification", "organization", "project"));
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
            URI fromFile = httpUrl(urlText, n.child("base_url"), "");
            url = urlFromEnvironment ? url : fromFile;
        } else if (url == null) {
            n.child("base_url").error("is required");
        }
        String keyEnv = n.child("api_key_env").text(base == null ? null : base.apiKeyEnv());
        String apiVersion = n.child("api_version").text(null);
        if (type.get() == ProviderType.AZURE && apiVersion == null) {
            n.child("api_version").error("is required for azure providers (e.g. \"2024-10-21\")");
        }
        Classification max = base == null ? Classification.RESTRICTED : base.maxClassification();
        String maxText = n.child("max_classification").text(null);
        if (maxText != null) {
            Optional<Classification> parsed = Classification.parse(maxText);
            if (parsed.isEmpty()) {
                n.child("max_classification").error("must be public, internal, confidential or restricted");
            } else {
                max = parsed.get();
            }
        }
        String organization = account(n.child("organization"), type.get(), base == null ? null : base.organization());
        String project = account(n.child("project"), type.get(), base == null ? null : base.project());
        if (url == null) {
            return null;
        }
        return new ProviderConfig(name, type.get(), url, keyEnv, keyEnv == null ? null : env.get(keyEnv), apiVersion, max,
                organization, project);
    }

    /**
     * {@code organization} or {@code project}: which account of the provider the key bills, sent as
     * {@code OpenAI-Organization} / {@code OpenAI-Project}. Only OpenAI's API has these headers
     * (Anthropic and Azure tie the account to the key or the resource URL).
     */
    private static String account(ConfigNode n, ProviderType type, String inherited) {
        String value = n.text(inherited);
        if (value == null) {
            return null;
        }
        if (type != ProviderType.OPENAI && type != ProviderType.OPENAI_COMPATIBLE) {
            n.error("is only for openai and openai-compatible providers (" + type.id()
                    + " ties the account to the key or the URL)");
            return null;
        }
        if (value.isBlank() || !value.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            n.error("must be a non-empty header value of printable ASCII without spaces");
            return null;
        }
        return value;
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

    static void rejectSelfLoops(ServerConfig server, Map<String, ProviderConfig> providers, ConfigNode n) {
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

    /**
     * A provider key that is an Aegis key (say, {@code aegis keygen}'s hint followed in the shell that
     * then ran {@code aegis start}): the daemon would send it to the provider with every call.
     */
    static void rejectAegisKeys(Map<String, ProviderConfig> providers, ConfigNode n) {
        for (ProviderConfig p : providers.values()) {
            if (p.apiKey() != null && p.apiKey().startsWith(ApiKeys.PREFIX)) {
                n.child(p.name()).child("api_key_env").error("$" + p.apiKeyEnv() + " holds an Aegis key (" + ApiKeys.PREFIX
                        + "...), which this daemon would send to " + p.baseUrl() + ": set it to the provider's own key "
                        + "where the daemon starts, and give the Aegis key to the clients (AEGIS_API_KEY in the README)");
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
