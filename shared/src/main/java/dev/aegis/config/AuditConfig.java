package dev.aegis.config;

import java.nio.file.Path;

/**
 * The {@code audit} section: signed receipts and the prompt log.
 *
 * @param receipts write a signed receipt per call ({@code AEGIS_AUDIT_ENABLED} overrides the file)
 * @param dir the receipts folder ({@code AEGIS_AUDIT_DIR} overrides the file)
 * @param promptLog the prompt log ({@code audit.prompt_log})
 */
public record AuditConfig(boolean receipts, Path dir, PromptLogConfig promptLog) {}
