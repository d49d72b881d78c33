package dev.aegis.config;

/** One problem in a config, named by its path in the file (e.g. {@code server.port}). */
public record ConfigError(String path, String message) {
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
