package dev.aegis.proxy.providers;

import dev.aegis.config.ProviderType;

/** The adapter for each provider type. */
public final class ProviderAdapters {

    private static final ProviderAdapter OPENAI = new OpenAiAdapter();
    private static final ProviderAdapter ANTHROPIC = new AnthropicAdapter();
    private static final ProviderAdapter AZURE = new AzureAdapter();

    private ProviderAdapters() {}

    public static ProviderAdapter forType(ProviderType type) {
        return switch (type) {
            case OPENAI, OPENAI_COMPATIBLE -> OPENAI;
            case ANTHROPIC -> ANTHROPIC;
            case AZURE -> AZURE;
        };
    }
}
