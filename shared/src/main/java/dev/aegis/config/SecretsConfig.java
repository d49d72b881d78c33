package dev.aegis.config;

import java.util.List;

/**
 * The {@code security} section: what happens to a prompt that holds a secret, and the default
 * classification of calls.
 *
 * @param mode for keys that do not set their own
 * @param extraPatterns more regular expressions to treat as secrets (kind {@code custom})
 * @param allow exact values that are not secrets here
 * @param defaultClassification the classification of calls that send no {@code x-aegis-classification}
 */
public record SecretsConfig(SecretsMode mode, List<String> extraPatterns, List<String> allow,
        Classification defaultClassification) {

    public static final SecretsConfig DEFAULT = new SecretsConfig(SecretsMode.BLOCK, List.of(), List.of(), Classification.INTERNAL);

    public SecretsConfig {
        extraPatterns = List.copyOf(extraPatterns);
        allow = List.copyOf(allow);
    }
}
