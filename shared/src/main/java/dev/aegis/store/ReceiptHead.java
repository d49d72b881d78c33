package dev.aegis.store;

/**
 * The newest signed receipt of one trail as the store remembers it, outside the trail: its
 * {@code seq}, the SHA-256 of its line (hex), the fingerprint of the key that signed it, and the
 * trail's instance id ({@link dev.aegis.receipts.ReceiptInstance}; null for a trail begun before
 * instance ids, which only a home's own store keeps).
 */
public record ReceiptHead(long seq, String hash, String keyFingerprint, String instance) {

    /** A head of a trail without an instance id (written before instance ids). */
    public ReceiptHead(long seq, String hash, String keyFingerprint) {
        this(seq, hash, keyFingerprint, null);
    }

    /** The same head, of the trail {@code instance}. */
    public ReceiptHead of(String instance) {
        return new ReceiptHead(seq, hash, keyFingerprint, instance);
    }
}
