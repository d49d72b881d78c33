package dev.aegis.config;

import java.util.Arrays;
import java.util.Optional;

/** The wire protocols Aegis speaks to providers. */
public enum ProviderType {
    OPENAI("openai"),
    ANTHROPIC("anthropic"),
    AZURE("azure"),
    OPENAI_COMPATIBLE("openai-compatible");

    private final String id;

    ProviderType(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<ProviderType> fromId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }
}
