package dev.aegis.control;

import java.time.Instant;

/**
 * What a running daemon publishes in {@code daemon.json}: where it listens and how to control it.
 *
 * @param instance the random id the CLI chose when it spawned this daemon, so it can tell its own
 *     daemon from a stale file
 * @param controlToken the secret that authorises control routes (shutdown); the file is 0600
 */
public record DaemonState(
        long pid,
        String host,
        int port,
        String version,
        Instant startedAt,
        String instance,
        String controlToken) {

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8787}. */
    public String url() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "http://" + h + ":" + port;
    }
}
