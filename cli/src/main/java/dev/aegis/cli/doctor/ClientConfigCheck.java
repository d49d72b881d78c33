package dev.aegis.cli.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.cli.CliContext;
import dev.aegis.cli.CodexConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Whether a client is set up to go through this Aegis: Codex's {@code config.toml}, Claude Code's environment. */
final class ClientConfigCheck {

    private static final String CHECK = "client config";
    private static final String KEY_CHECK = "client key";

    private ClientConfigCheck() {}

    static List<Finding> check(AgentClient client, CliContext context, String aegisUrl) {
        return client == AgentClient.CODEX ? codex(context, aegisUrl) : claude(context, aegisUrl);
    }

    /** The Codex model to replay: {@code model} in config.toml, else Codex's default. */
    static String codexModel(CliContext context) {
        try {
            Path file = CodexConfigFile.location(context);
            if (Files.exists(file)) {
                String model = CodexConfigFile.read(file).path("model").asText("");
                if (!model.isBlank()) {
                    return model;
                }
            }
        } catch (IOException e) {
            // reported by the config check
        }
        return AgentClient.CODEX.defaultModel();
    }

    /** The Claude model to replay: {@code ANTHROPIC_MODEL}, else Claude Code's default. */
    static String claudeModel(CliContext context) {
        String model = context.env().get("ANTHROPIC_MODEL");
        return model != null && !model.isBlank() ? model : AgentClient.CLAUDE.defaultModel();
    }

    private static List<Finding> codex(CliContext context, String aegisUrl) {
        Path file = CodexConfigFile.location(context);
        String fix = "aegis init codex --write";
        if (!Files.exists(file)) {
            return List.of(Finding.fail(CHECK, file + " does not exist", fix));
        }
        JsonNode toml;
        try {
            toml = CodexConfigFile.read(file);
        } catch (IOException e) {
            return List.of(Finding.fail(CHECK, file + " is not valid TOML: " + e.getMessage(), "repair " + file));
        }
        String expected = aegisUrl + "/v1";
        String name = null;
        String elsewhere = null;
        for (Map.Entry<String, JsonNode> p : toml.path("model_providers").properties()) {
            String url = normalize(p.getValue().path("base_url").asText(""));
            if (url.equals(expected)) {
                name = p.getKey();
                break;
            }
            if (url.startsWith("http://127.0.0.1:")) {
                elsewhere = "model_providers." + p.getKey() + " points at " + url;
            }
        }
        if (name == null) {
            return List.of(Finding.fail(CHECK, (elsewhere != null ? elsewhere + ", but Aegis is at " + expected
                    : "no model provider in " + file + " points at " + expected), fix));
        }
        JsonNode provider = toml.path("model_providers").path(name);
        List<Finding> out = new ArrayList<>();
        String wire = provider.path("wire_api").asText("chat");
        if (!wire.equals("responses")) {
            out.add(Finding.fail(CHECK, "model_providers." + name + " has wire_api = \"" + wire
                    + "\"; Codex needs \"responses\"", fix));
        } else if (name.equals(toml.path("model_provider").asText(""))) {
            out.add(Finding.pass(CHECK, file + " selects model provider " + name + " at " + expected));
        } else {
            out.add(Finding.warn(CHECK, "model provider " + name + " points at Aegis but " + file + " does not select it",
                    "put model_provider = \"" + name + "\" at the top of " + file + ", or run: codex -c model_provider=" + name));
        }
        String envKey = provider.path("env_key").asText("");
        if (envKey.isBlank()) {
            out.add(Finding.fail(KEY_CHECK, "model_providers." + name + " has no env_key, so Codex sends no key", fix));
        } else {
            out.add(AegisKeyCheck.check(context, KEY_CHECK, envKey, context.env().get(envKey), "codex"));
        }
        return out;
    }

    private static List<Finding> claude(CliContext context, String aegisUrl) {
        String fix = "eval \"$(aegis env claude)\"   (or add its lines to your shell profile)";
        List<Finding> out = new ArrayList<>();
        String base = context.env().get("ANTHROPIC_BASE_URL");
        if (base == null || base.isBlank()) {
            out.add(Finding.fail(CHECK, "ANTHROPIC_BASE_URL is not set, so Claude Code calls Anthropic directly", fix));
        } else if (!normalize(base).equals(aegisUrl)) {
            out.add(Finding.fail(CHECK, "ANTHROPIC_BASE_URL is " + base + ", but Aegis is at " + aegisUrl, fix));
        } else {
            out.add(Finding.pass(CHECK, "ANTHROPIC_BASE_URL points at " + aegisUrl));
        }
        String variable = tokenVariable(context.env());
        out.add(AegisKeyCheck.check(context, KEY_CHECK, variable, context.env().get(variable), "claude"));
        return out;
    }

    /** The variable Claude Code takes its key from: {@code ANTHROPIC_AUTH_TOKEN} wins over {@code ANTHROPIC_API_KEY}. */
    static String tokenVariable(Map<String, String> env) {
        String token = env.get("ANTHROPIC_AUTH_TOKEN");
        String apiKey = env.get("ANTHROPIC_API_KEY");
        return (token == null || token.isBlank()) && apiKey != null && !apiKey.isBlank()
                ? "ANTHROPIC_API_KEY" : "ANTHROPIC_AUTH_TOKEN";
    }

    private static String normalize(String url) {
        String u = url.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u.replace("://localhost:", "://127.0.0.1:");
    }
}
