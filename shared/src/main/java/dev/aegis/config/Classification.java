package dev.aegis.config;

import java.util.Locale;
import java.util.Optional;

/** How sensitive a call is; a provider receives calls up to its {@code max_classification}. */
public enum Classification {
    PUBLIC, INTERNAL, CONFIDENTIAL, RESTRICTED;

    public static Optional<Classification> parse(String text) {
        try {
            return text == null ? Optional.empty() : Optional.of(valueOf(text.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
