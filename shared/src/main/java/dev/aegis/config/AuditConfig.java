package dev.aegis.config;

import java.nio.file.Path;

/**
 * The {@code audit} section: signed receipts and the prompt log.
 *
 * @param receipts write a signed receipt per call ({@code AEGIS_AUDIT_ENABLED} overrides the file)
 * @param dir the receipts folder ({@code AEGIS_AUDIT_DIR} overrides the file)
 * @param promptLog the prompt log ({@code audit.prompt_log})
 * @param maxBacklog how many usage rows or receipts may wait in memory when they cannot be written
 *     (a locked database, a full disk) before model calls are refused with 503
 */
public record AuditConfig(boolean receipts, Path dir, PromptLogConfig promptLog, int maxBacklog) {

    public static final int DEFAULT_MAX_BACKLOG = 10_000;
}
