package dev.aegis.control;

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
        long recordsBacklog) {}
