package dev.aegis.config;

import java.util.List;

/**
 * Where the daemon listens and what it accepts.
 *
 * @param corsOrigins allowed browser origins; a single {@code mirror} echoes any origin
 */
public record ServerConfig(String host, int port, long maxBodyBytes, List<String> corsOrigins) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8787;
    public static final long DEFAULT_MAX_BODY = 32L * 1024 * 1024;

    public ServerConfig {
        corsOrigins = List.copyOf(corsOrigins);
    }
}
