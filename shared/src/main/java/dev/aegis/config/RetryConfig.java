package dev.aegis.config;

import java.time.Duration;

/** Retries before the first byte reaches the client: attempts in all, exponential delay between. */
public record RetryConfig(int attempts, Duration baseDelay, Duration maxDelay) {
    public static final RetryConfig DEFAULT = new RetryConfig(3, Duration.ofMillis(250), Duration.ofSeconds(4));
}
