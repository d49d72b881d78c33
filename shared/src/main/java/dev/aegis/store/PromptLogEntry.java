package dev.aegis.store;

/**
 * One prompt-log entry: what a call asked and answered, as previews with secrets already redacted.
 *
 * @param requestPreview the start of the prompt text (docs/USAGE.md "Prompt log" says what counts as text)
 * @param responsePreview the start of the answer text
 * @param redactions how many secrets were replaced by {@code [REDACTED:<kind>]} in the two previews
 */
public record PromptLogEntry(
        long tsMillis,
        String requestId,
        String keyId,
        String route,
        String model,
        int status,
        String errorCode,
        long inputTokens,
        long outputTokens,
        String requestPreview,
        String responsePreview,
        int redactions) {}
