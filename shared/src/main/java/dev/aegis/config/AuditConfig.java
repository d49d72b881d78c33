package dev.aegis.config;

import java.nio.file.Path;

/**
 * The {@code audit} section: signed receipts.
 *
 * @param receipts write a signed receipt per call ({@code AEGIS_AUDIT_ENABLED} overrides the file)
 * @param dir the receipts folder ({@code AEGIS_AUDIT_DIR} overrides the file)
 */
public record AuditConfig(boolean receipts, Path dir) {}
