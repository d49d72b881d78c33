package dev.aegis.config;

import java.util.List;

/**
 * {@code security.secrets}: what happens to a prompt that holds a secret.
 *
 * @param mode {@code block} (403), {@code redact} (replace and forward) or {@code off}
 * @param extraPatterns more regular expressions to treat as secrets (kind {@code custom})
 * @param allow exact values that are not secrets here
 */
public record SecretsConfig(String mode, List<String> extraPatterns, List<String> allow) {

    public static final SecretsConfig DEFAULT = new SecretsConfig("block", List.of(), List.of());

    public SecretsConfig {
        extraPatterns = List.copyOf(extraPatterns);
        allow = List.copyOf(allow);
    }
}
