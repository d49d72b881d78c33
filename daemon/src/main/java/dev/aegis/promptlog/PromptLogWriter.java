package dev.aegis.promptlog;

import dev.aegis.background.GiveWay;
import dev.aegis.config.PromptLogConfig;
import dev.aegis.config.SecretsConfig;
import dev.aegis.security.SecretGuard;
import dev.aegis.security.SecretKind;
import dev.aegis.security.SecretScanner;
import dev.aegis.store.PromptLogEntry;
import dev.aegis.store.PromptLogStore;
import dev.aegis.store.UsageRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Turns finished calls into prompt-log entries on the prompt log's writer thread: extracts the
 * prompt and answer text ({@link PromptText}), replaces every secret with {@code [REDACTED:<kind>]}
 * — whatever {@code security.secrets.mode} is, and Aegis keys too — and only then cuts each preview
 * to {@code preview_chars}, so a cut never leaves part of a secret behind. Writes a batch and prunes
 * to {@code max_entries} in one transaction.
 */
public final class PromptLogWriter {

    /**
     * Text collected beyond {@code preview_chars} before redaction, so a secret that starts inside the
     * preview is seen whole by the scanner.
     */
    static final int MARGIN = 512;

    private final PromptLogStore store;
    private final PromptLogConfig config;
    private final Supplier<SecretsConfig> secrets;
    private final Map<SecretsConfig, SecretScanner> scanners = new ConcurrentHashMap<>();

    public PromptLogWriter(PromptLogStore store, PromptLogConfig config, Supplier<SecretsConfig> secrets) {
        this.store = store;
        this.config = config;
        this.secrets = secrets;
    }

    static int collectLimit(int previewChars) {
        return previewChars + MARGIN;
    }

    /** The sink of the prompt log's background writer. */
    public void write(List<PromptLogInput> batch) {
        SecretScanner scanner = scanners.computeIfAbsent(secrets.get(),
                c -> SecretGuard.scanner(c, SecretKind.withAegisKeys(SecretKind.BUILT_IN)));
        List<PromptLogEntry> entries = new ArrayList<>(batch.size());
        GiveWay giveWay = new GiveWay();
        for (PromptLogInput in : batch) {
            entries.add(entry(in, scanner));
            giveWay.point();
        }
        store.insert(entries, config.maxEntries());
    }

    private PromptLogEntry entry(PromptLogInput in, SecretScanner scanner) {
        PreviewText prompt = new PreviewText(collectLimit(config.previewChars()));
        PromptText.collect(in.request(), PromptText.PROMPT_FIELDS, prompt, "\n");
        String answerText = in.streamedAnswer();
        if (answerText == null) {
            PreviewText answer = new PreviewText(collectLimit(config.previewChars()));
            if (in.response() != null) {
                PromptText.collect(in.response(), PromptText.ANSWER_FIELDS, answer, "\n");
            }
            answerText = answer.text();
        }
        Redacted request = redact(prompt.text(), scanner);
        Redacted response = redact(answerText, scanner);
        UsageRow r = in.row();
        return new PromptLogEntry(r.tsMillis(), r.requestId(), r.keyId(), r.route(), r.model() != null ? r.model()
                : r.modelRequested(), r.status(), r.errorCode(), r.inputTokens(), r.outputTokens(),
                cut(request.text(), config.previewChars()), cut(response.text(), config.previewChars()),
                request.secrets() + response.secrets());
    }

    private record Redacted(String text, int secrets) {}

    private static Redacted redact(String text, SecretScanner scanner) {
        List<SecretScanner.Finding> findings = scanner.scan(text);
        return findings.isEmpty() ? new Redacted(text, 0) : new Redacted(SecretScanner.redact(text, findings), findings.size());
    }

    /** The first {@code max} characters, never splitting a surrogate pair. */
    static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }
}
