package dev.aegis.store;

/**
 * The newest signed receipt as the store remembers it, outside the trail: its {@code seq}, the
 * SHA-256 of its line (hex) and the fingerprint of the key that signed it.
 */
public record ReceiptHead(long seq, String hash, String keyFingerprint) {}
