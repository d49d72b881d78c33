package dev.aegis.control;

import dev.aegis.json.FlatJson;
import java.io.IOException;
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

    /** Reads what {@link DaemonStateFile#write} wrote (snake_case members), without the JSON mapper. */
    public static DaemonState fromJson(byte[] json) throws IOException {
        FlatJson f = FlatJson.parse(json);
        return new DaemonState(f.number("pid"), f.requiredString("host"), (int) f.number("port"), f.string("version"),
                f.instant("started_at"), f.requiredString("instance"), f.string("control_token"));
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8787}. */
    public String url() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "http://" + h + ":" + port;
    }
}
