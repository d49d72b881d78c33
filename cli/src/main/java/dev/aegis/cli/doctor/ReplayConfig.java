package dev.aegis.cli.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.aegis.config.AegisConfig;
import dev.aegis.config.ProviderConfig;
import dev.aegis.config.ProviderType;
import dev.aegis.config.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The user's config as the replay daemon gets it: every section kept (routes, aliases, security,
 * governance, timeouts...), except that each provider points at the built-in fake with a fake key,
 * and nothing is written to the user's database or receipts (the replay runs in a throwaway home).
 */
final class ReplayConfig {

    /** The variable that holds the replay daemon's (fake) provider key. */
    static final String UPSTREAM_KEY_ENV = "AEGIS_DOCTOR_UPSTREAM_KEY";
    static final String UPSTREAM_KEY = "sk-aegis-doctor-fake-upstream";

    private static final YAMLMapper YAML = new YAMLMapper();

    private ReplayConfig() {}

    /**
     * @param userFile the user's file, or null / absent for zero-config
     * @param fakeHost the fake's {@code http://127.0.0.1:PORT}
     */
    static byte[] yaml(Path userFile, AegisConfig config, String fakeHost) throws IOException {
        JsonNode user = userFile != null && Files.exists(userFile) ? YAML.readTree(userFile.toFile()) : null;
        ObjectNode tree = user instanceof ObjectNode o ? o.deepCopy() : JsonNodeFactory.instance.objectNode();
        tree.remove("store");
        tree.remove("mcp"); // the replay is of model calls: no MCP server is started for it
        if (tree.get("audit") instanceof ObjectNode audit) {
            audit.remove("dir");
        }
        if (tree.get("server") instanceof ObjectNode server) {
            server.remove(List.of("host", "port"));
        }
        JsonNode existing = tree.get("providers");
        ObjectNode providers = existing instanceof ObjectNode o ? o : tree.putObject("providers");
        for (ProviderConfig p : config.providers().values()) {
            JsonNode current = providers.get(p.name());
            ObjectNode entry = current instanceof ObjectNode o ? o : providers.putObject(p.name());
            entry.put("base_url", upstreamUrl(p.type(), fakeHost));
            entry.put("api_key_env", UPSTREAM_KEY_ENV);
        }
        return YAML.writeValueAsBytes(tree);
    }

    /** Azure and Anthropic take the host (their paths say the rest); OpenAI-style providers end in /v1. */
    static String upstreamUrl(ProviderType type, String fakeHost) {
        return type == ProviderType.ANTHROPIC || type == ProviderType.AZURE ? fakeHost : fakeHost + "/v1";
    }

    /**
     * The replay daemon's environment: the user's settings (governance, usage options), but no real
     * provider key, and nothing that would point it at the user's home, files or port.
     */
    static Map<String, String> environment(Map<String, String> userEnv, AegisConfig config, String fakeHost) {
        Map<String, String> env = new HashMap<>(userEnv);
        for (Setting s : List.of(Setting.AEGIS_HOME, Setting.AEGIS_CONFIG, Setting.AEGIS_PORT, Setting.PORT,
                Setting.AEGIS_AUDIT_DIR, Setting.AEGIS_STORE_URL)) {
            env.remove(s.name());
        }
        for (ProviderConfig p : config.providers().values()) {
            if (p.apiKeyEnv() != null) {
                env.remove(p.apiKeyEnv());
            }
        }
        env.put(UPSTREAM_KEY_ENV, UPSTREAM_KEY);
        env.put(Setting.AEGIS_OPENAI_BASE_URL.name(), upstreamUrl(ProviderType.OPENAI, fakeHost));
        env.put(Setting.AEGIS_ANTHROPIC_BASE_URL.name(), upstreamUrl(ProviderType.ANTHROPIC, fakeHost));
        return env;
    }
}
