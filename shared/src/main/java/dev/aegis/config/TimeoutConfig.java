package dev.aegis.config;

import java.time.Duration;

/**
 * Upstream timeouts.
 *
 * @param firstByte from sending the request to the provider's response headers
 * @param idle the longest silence allowed between two chunks of a streamed answer
 */
public record TimeoutConfig(Duration connect, Duration firstByte, Duration idle) {
    public static final TimeoutConfig DEFAULT =
            new TimeoutConfig(Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofSeconds(60));
}
