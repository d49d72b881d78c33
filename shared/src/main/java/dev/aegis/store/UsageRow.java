package dev.aegis.store;

/**
 * One call as recorded (SPEC §6). Token counts are normalised across protocols.
 *
 * @param errorCode Aegis's refusal code or the provider's error, null on success
 * @param costNanos exact cost in nano-USD
 * @param complete false when the answer was cut short (provider cut, stall, or no end seen)
 */
public record UsageRow(
        long tsMillis,
        String requestId,
        String keyId,
        String tenant,
        String runId,
        String route,
        String modelRequested,
        String model,
        String provider,
        int status,
        String errorCode,
        long inputTokens,
        long cachedInputTokens,
        long cacheWriteTokens,
        long outputTokens,
        long reasoningTokens,
        long costNanos,
        boolean unpriced,
        String priceVersion,
        Double latencyMs,
        Double firstByteMs,
        boolean streamed,
        boolean complete) {}
