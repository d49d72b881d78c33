package dev.aegis.config;

/** Values from command-line flags, which win over the environment and the file; nulls mean "not given". */
public record ConfigOverrides(String host, Integer port) {
    public static final ConfigOverrides NONE = new ConfigOverrides(null, null);
}
