package dev.aegis.config;

/**
 * {@code audit.prompt_log}: previews of what each model call asked and answered, secrets redacted.
 *
 * @param enabled off by default
 * @param previewChars how many characters of the prompt text and of the answer text are kept
 * @param maxEntries the newest entries kept; older ones are deleted as new ones arrive
 */
public record PromptLogConfig(boolean enabled, int previewChars, int maxEntries) {

    public static final PromptLogConfig DEFAULT = new PromptLogConfig(false, 500, 10_000);
}
