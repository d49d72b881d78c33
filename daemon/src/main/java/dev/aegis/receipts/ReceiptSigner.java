package dev.aegis.receipts;

/**
 * Signs receipts with one key pair. Ed25519 signatures are deterministic (RFC 8032), so every
 * implementation gives the same bytes; they differ only in speed. {@link #forKeys} takes AWS-LC's
 * through the Amazon Corretto Crypto Provider when its native library is on the class path and
 * loads on this platform (Linux x86-64 and aarch64; ≈ 3× faster than BouncyCastle, see
 * docs/BENCHMARKS.md), and BouncyCastle's everywhere else. A signer is not thread-safe: one per
 * writer thread.
 */
public interface ReceiptSigner {

    /** @return the Base64 signature of {@code data} */
    String sign(byte[] data);

    /** Which implementation signs, for the daemon's log: {@code aws-lc} or {@code bouncycastle}. */
    String implementation();

    /** The fastest signer this platform has; set {@code -Daegis.receipts.nativeSigning=false} for BouncyCastle's. */
    static ReceiptSigner forKeys(ReceiptKeys.Pair keys) {
        if (!Boolean.parseBoolean(System.getProperty("aegis.receipts.nativeSigning", "true"))) {
            return bouncyCastle(keys);
        }
        return NativeEd25519Signer.create(keys).map(ReceiptSigner.class::cast).orElseGet(() -> bouncyCastle(keys));
    }

    static ReceiptSigner bouncyCastle(ReceiptKeys.Pair keys) {
        return new ReceiptSigner() {
            @Override
            public String sign(byte[] data) {
                return ReceiptKeys.sign(keys, data);
            }

            @Override
            public String implementation() {
                return "bouncycastle";
            }
        };
    }
}
