package dev.aegis.config;

import java.net.URI;

/**
 * One upstream provider.
 *
 * @param apiKey the real provider key read from {@code apiKeyEnv}; null when unset. Never printed:
 *     {@link #toString()} masks it.
 * @param maxClassification the most sensitive calls this provider may receive
 * @param organization sent as {@code OpenAI-Organization} (openai and openai-compatible only); null: not sent
 * @param project sent as {@code OpenAI-Project} (openai and openai-compatible only); null: not sent
 */
public record ProviderConfig(
        String name,
        ProviderType type,
        URI baseUrl,
        String apiKeyEnv,
        String apiKey,
        String apiVersion,
        Classification maxClassification,
        String organization,
        String project) {

    public boolean hasKey() {
        return apiKey != null && !apiKey.isEmpty();
    }

    @Override
    public String toString() {
        return "ProviderConfig[name=" + name + ", type=" + type.id() + ", baseUrl=" + baseUrl + ", apiKeyEnv="
                + apiKeyEnv + ", apiKey=" + (hasKey() ? "***" : "unset") + ", apiVersion=" + apiVersion
                + ", maxClassification=" + maxClassification.label() + ", organization=" + organization + ", project="
                + project + "]";
    }
}
