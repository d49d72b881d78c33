package dev.aegis.receipts;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;

/**
 * Checks many Ed25519 signatures by one public key A at once (RFC 8032 §5.1.7's cofactored
 * equation, combined with random weights). For signatures (R_i, s_i) on messages M_i, with
 * h_i = SHA-512(R_i ‖ A ‖ M_i) and fresh random 128-bit z_i, the batch is accepted only if
 *
 * <pre>  [8]( [Σ z_i·s_i mod L] B − [Σ z_i·h_i mod L] A − Σ [z_i] R_i ) = identity</pre>
 *
 * Every valid signature satisfies its own equation, so a valid batch always passes; if any
 * signature does not, the weighted sum is the identity with probability at most 2^−128 (the z_i are
 * secret and unpredictable), so a batch with a bad signature fails. A appears once per batch, so
 * each signature costs the decoding of R_i plus its share of one multi-scalar multiplication: a
 * few times less than verifying it alone. A failed batch does not say which signature is bad; the
 * caller checks those one by one.
 *
 * <p>Rejected outright: a signature that is not 64 bytes, s ≥ L, an R that does not decode, a
 * public key that does not decode or has small order. Thread-safe.
 */
public final class Ed25519Batch {

    /** The order of the prime subgroup, 2^252 + 27742317777372353535851937790883648493. */
    static final BigInteger L = BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));

    /** wNAF width for B and A (tables made once) and for the R_i (a table per signature). */
    private static final int FIXED_WIDTH = 8;
    private static final int R_WIDTH = 5;
    private static final int Z_BYTES = 16;

    private static final CachedPoint[] BASE_MULTIPLES =
            new PointArithmetic().oddMultiples(EdwardsPoint.base(), 1 << (FIXED_WIDTH - 2));

    private final SecureRandom random = new SecureRandom();
    private final byte[] publicKey;
    /** Odd multiples of A, or null when the key is not usable: then nothing verifies. */
    private final CachedPoint[] keyMultiples;

    public Ed25519Batch(byte[] publicKey) {
        this.publicKey = publicKey.clone();
        this.keyMultiples = publicKey.length == 32 ? multiplesOfKey(publicKey) : null;
    }

    /**
     * True only if every signature is a valid signature of the message at the same index (with
     * probability 1 − 2^−128 against any choice of bad signatures). True for an empty batch.
     */
    public boolean verifyAll(List<byte[]> messages, List<byte[]> signatures) {
        if (messages.size() != signatures.size()) {
            throw new IllegalArgumentException("messages and signatures differ in number");
        }
        if (keyMultiples == null) {
            return false;
        }
        if (messages.isEmpty()) {
            return true;
        }
        PointArithmetic ops = new PointArithmetic();
        MultiScalarSum sum = new MultiScalarSum();
        MessageDigest sha512 = sha512();
        byte[] weights = new byte[Z_BYTES * messages.size()];
        random.nextBytes(weights);
        BigInteger sSum = BigInteger.ZERO;
        BigInteger hSum = BigInteger.ZERO;
        for (int i = 0; i < messages.size(); i++) {
            byte[] sig = signatures.get(i);
            if (sig == null || sig.length != 64) {
                return false;
            }
            BigInteger s = littleEndian(sig, 32, 32);
            if (s.compareTo(L) >= 0) {
                return false;
            }
            EdwardsPoint r = EdwardsPoint.decode(sig, 0);
            if (r == null) {
                return false;
            }
            sha512.update(sig, 0, 32);
            sha512.update(publicKey);
            byte[] h = sha512.digest(messages.get(i));
            byte[] zBytes = new byte[Z_BYTES];
            System.arraycopy(weights, i * Z_BYTES, zBytes, 0, Z_BYTES);
            BigInteger z = littleEndian(zBytes, 0, Z_BYTES);
            sSum = sSum.add(z.multiply(s));
            hSum = hSum.add(z.multiply(littleEndian(h, 0, h.length)));
            sum.add(ops.oddMultiples(r.negated(), 1 << (R_WIDTH - 2)), Wnaf.digits(zBytes, R_WIDTH));
        }
        sum.add(BASE_MULTIPLES, Wnaf.digits(scalarBytes(sSum.mod(L)), FIXED_WIDTH));
        sum.add(keyMultiples, Wnaf.digits(scalarBytes(L.subtract(hSum.mod(L))), FIXED_WIDTH));
        EdwardsPoint total = sum.sum(ops);
        for (int i = 0; i < 3; i++) {
            ops.twice(total);
        }
        return total.isIdentity();
    }

    private static CachedPoint[] multiplesOfKey(byte[] publicKey) {
        EdwardsPoint a = EdwardsPoint.decode(publicKey, 0);
        if (a == null) {
            return null;
        }
        PointArithmetic ops = new PointArithmetic();
        EdwardsPoint eightA = a.copy();
        for (int i = 0; i < 3; i++) {
            ops.twice(eightA);
        }
        if (eightA.isIdentity()) {
            return null; // a small-order key would let [h]A vanish from the equation
        }
        return ops.oddMultiples(a, 1 << (FIXED_WIDTH - 2));
    }

    /** A non-negative integer below 2^256 as 32 little-endian bytes. */
    static byte[] scalarBytes(BigInteger v) {
        byte[] be = v.toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < be.length && i < 32; i++) {
            le[i] = be[be.length - 1 - i];
        }
        return le;
    }

    static BigInteger littleEndian(byte[] b, int off, int len) {
        byte[] be = new byte[len];
        for (int i = 0; i < len; i++) {
            be[i] = b[off + len - 1 - i];
        }
        return new BigInteger(1, be);
    }

    private static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-512", e);
        }
    }
}
