package dev.aegis.config;

import java.util.Locale;
import java.util.Optional;

/**
 * What happens to a prompt that holds a secret: {@code block} refuses it (403), {@code redact}
 * replaces each secret with {@code [REDACTED:<kind>]} and forwards it, {@code off} does not look.
 * Set by {@code security.secrets.mode}, and per key by {@code aegis keygen --secrets}.
 */
public enum SecretsMode {
    BLOCK, REDACT, OFF;

    public static Optional<SecretsMode> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "block" -> Optional.of(BLOCK);
            case "redact" -> Optional.of(REDACT);
            case "off", "false" -> Optional.of(OFF); // YAML 1.1 reads a bare `off` as the boolean false
            default -> Optional.empty();
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
