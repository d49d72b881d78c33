package dev.aegis.control;

import dev.aegis.json.FlatJson;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

/**
 * The body of the health and status routes.
 *
 * @param status {@code ok}, or {@code draining} while a graceful stop is under way
 * @param configReloads config edits applied since start
 * @param configRejected config edits refused as invalid since start (the log names each error)
 * @param recordsFailing usage rows or receipts cannot be written right now (they wait in memory)
 * @param recordsBacklog usage rows and receipts not written yet
 */
public record HealthPayload(
        String status,
        String version,
        long pid,
        Instant startedAt,
        long uptimeSeconds,
        long requestsServed,
        long inFlight,
        String instance,
        long configReloads,
        long configRejected,
        boolean recordsFailing,
        long recordsBacklog) {

    /** Reads the health route's body (snake_case members), without the JSON mapper. */
    public static HealthPayload fromJson(InputStream json) throws IOException {
        FlatJson f = FlatJson.parse(json);
        return new HealthPayload(f.requiredString("status"), f.string("version"), f.number("pid"),
                f.instant("started_at"), f.number("uptime_seconds"), f.number("requests_served"), f.number("in_flight"),
                f.string("instance"), f.number("config_reloads"), f.number("config_rejected"), f.flag("records_failing"),
                f.number("records_backlog"));
    }
}
