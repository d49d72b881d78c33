package dev.aegis.control;

import java.time.Instant;

/**
 * The body of the health and status routes.
 *
 * @param status {@code ok}, or {@code draining} while a graceful stop is under way
 */
public record HealthPayload(
        String status,
        String version,
        long pid,
        Instant startedAt,
        long uptimeSeconds,
        long requestsServed,
        long inFlight,
        String instance) {}
