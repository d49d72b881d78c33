package dev.aegis.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config that cannot be used, with every error found (not just the first). */
public final class ConfigException extends Exception {

    private final transient List<ConfigError> errors;

    public ConfigException(String source, List<ConfigError> errors) {
        super("invalid config " + source + ": "
                + errors.stream().map(ConfigError::toString).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }
}
