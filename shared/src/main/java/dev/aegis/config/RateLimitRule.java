package dev.aegis.config;

import java.time.Duration;

/**
 * A per-key limit: at most {@code requests} calls (or {@code tokens} tokens) per {@code window}.
 *
 * @param modelCallsOnly {@code scope: model}: counts only proxied model calls; {@code scope: all}: every route
 * @param tokens a token limit, or 0 for a request limit
 */
public record RateLimitRule(Duration window, long requests, long tokens, boolean modelCallsOnly) {

    public static RateLimitRule requestsPerMinute(int rpm) {
        return new RateLimitRule(Duration.ofMinutes(1), rpm, 0, true);
    }

    public static RateLimitRule tokensPerMinute(int tpm) {
        return new RateLimitRule(Duration.ofMinutes(1), 0, tpm, true);
    }
}
