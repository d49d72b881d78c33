package dev.aegis.config;

import java.net.URI;

/**
 * One upstream provider.
 *
 * @param apiKey the real provider key read from {@code apiKeyEnv}; null when unset. Never printed:
 *     {@link #toString()} masks it.
 */
public record ProviderConfig(
        String name, ProviderType type, URI baseUrl, String apiKeyEnv, String apiKey, String apiVersion) {

    public boolean hasKey() {
        return apiKey != null && !apiKey.isEmpty();
    }

    @Override
    public String toString() {
        return "ProviderConfig[name=" + name + ", type=" + type.id() + ", baseUrl=" + baseUrl + ", apiKeyEnv="
                + apiKeyEnv + ", apiKey=" + (hasKey() ? "***" : "unset") + ", apiVersion=" + apiVersion + "]";
    }
}
