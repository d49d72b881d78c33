package dev.aegis.config;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where the daemon listens and what it accepts.
 *
 * @param corsOrigins allowed browser origins; a single {@code mirror} echoes any origin
 * @param allowedHosts names a request's {@code Host} may carry besides the bound address and the
 *     loopback names (any port); a single {@code *} turns the check off
 * @param maxInflightBody request-body bytes all calls together may hold in memory (503 beyond)
 * @param readTimeout how long a client may take to send a request's body, and how long a
 *     connection may stay silent (mid-head, or idle between calls)
 * @param busyPoll how long the daemon, when it has nothing else to do, asks a client's connection
 *     for its next request before it sleeps until it comes; zero never
 * @param headBusyPoll the same for a provider's answer head, once the request is written; zero never
 * @param front whether Aegis's own HTTP/1.1 front serves the model-call routes (Jetty serves the rest,
 *     and everything when false)
 * @param platformThreads how many of the front's connections may be served on platform threads at once
 *     while the daemon is quiet (the rest, and all under load, on virtual threads); zero never
 * @param maxConnections client connections the daemon holds open at once; further ones wait in the
 *     kernel's queue until one closes; {@link #AUTO_MAX_CONNECTIONS} (the setting left out): from the
 *     process's file descriptor limit ({@code dev.aegis.http.ConnectionCap})
 */
public record ServerConfig(String host, int port, long maxBodyBytes, List<String> corsOrigins,
        List<String> allowedHosts, long maxInflightBody, Duration readTimeout, Duration busyPoll,
        Duration headBusyPoll, boolean front, int platformThreads, int maxConnections) {

    public static final String DEFAULT_HOST = "127.0.0.1";

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%\\[\\]-]{1,253}");

    /**
     * Why {@code host} cannot be an address to bind (an IP literal or a name), or null when it can. An empty one
     * was taken and bound to loopback while every command after it built the URL {@code http://:PORT} and failed.
     */
    public static String hostProblem(String host) {
        return HOST.matcher(host).matches() ? null
                : host.isBlank() ? "is empty (give an address to bind, e.g. 127.0.0.1)"
                : "is not an address to bind (an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0)";
    }
    public static final int DEFAULT_PORT = 8787;
    public static final long DEFAULT_MAX_BODY = 32L * 1024 * 1024;
    public static final long DEFAULT_MAX_INFLIGHT_BODY = 256L * 1024 * 1024;
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_BUSY_POLL = Duration.ofNanos(100_000);
    /**
     * The same as {@link #DEFAULT_BUSY_POLL}. 1 ms gave a local stream's first byte 0.15–0.3 ms sooner
     * in one hour and 0.8 ms later in the next, on a host loaded enough that a spinning virtual CPU
     * took time from the one running the provider (issue 29,
     * docs/benchmarks/run-2026-12-05-0700-per-collection-cold-path.md).
     */
    public static final Duration DEFAULT_HEAD_BUSY_POLL = Duration.ofNanos(100_000);
    public static final Duration MAX_BUSY_POLL = Duration.ofMillis(10);
    public static final int MAX_PLATFORM_THREADS = 256;
    /** {@code server.max_connections} unset: the daemon derives it from its file descriptor limit. */
    public static final int AUTO_MAX_CONNECTIONS = 0;
    public static final int MIN_MAX_CONNECTIONS = 8;
    public static final int MAX_MAX_CONNECTIONS = 1_000_000;

    /** One platform thread per CPU: as many calls as can run at once. */
    public static int defaultPlatformThreads() {
        return Math.min(MAX_PLATFORM_THREADS, Runtime.getRuntime().availableProcessors());
    }

    public ServerConfig {
        corsOrigins = List.copyOf(corsOrigins);
        allowedHosts = List.copyOf(allowedHosts);
    }
}
