package dev.aegis.receipts;

import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * A point of edwards25519 (−x² + y² = 1 + d·x²·y² over GF(2^255 − 19)) in extended coordinates
 * (X : Y : Z : T) with x = X/Z, y = Y/Z, x·y = T/Z. Mutable; the field elements are BouncyCastle's
 * {@link X25519Field} limbs. Arithmetic is in {@link PointArithmetic}.
 */
final class EdwardsPoint {

    /** d = −121665 / 121666. */
    static final int[] D = constantD();
    /** 2·d, as used by the addition formula. */
    static final int[] D2 = doubled(D);

    /** The RFC 8032 encoding of the base point B (y = 4/5, x even). */
    private static final byte[] BASE_ENCODING = baseEncoding();

    final int[] x = X25519Field.create();
    final int[] y = X25519Field.create();
    final int[] z = X25519Field.create();
    final int[] t = X25519Field.create();

    static EdwardsPoint identity() {
        EdwardsPoint p = new EdwardsPoint();
        X25519Field.one(p.y);
        X25519Field.one(p.z);
        return p;
    }

    static EdwardsPoint base() {
        return decode(BASE_ENCODING, 0);
    }

    /**
     * Decodes a 32-byte point encoding as RFC 8032 §5.1.3 says, or returns null when it is not a
     * point: y not below p, no square root for x, or x = 0 with its sign bit set.
     */
    static EdwardsPoint decode(byte[] in, int off) {
        byte[] yBytes = Arrays.copyOfRange(in, off, off + 32);
        int sign = (yBytes[31] & 0xFF) >>> 7;
        yBytes[31] &= 0x7F;
        EdwardsPoint p = new EdwardsPoint();
        X25519Field.decode(yBytes, 0, p.y);
        int[] canonical = X25519Field.create();
        X25519Field.copy(p.y, 0, canonical, 0);
        X25519Field.normalize(canonical);
        byte[] reencoded = new byte[32];
        X25519Field.encode(canonical, reencoded, 0);
        if (!Arrays.equals(reencoded, yBytes)) {
            return null; // y >= p
        }
        int[] u = X25519Field.create();
        int[] v = X25519Field.create();
        X25519Field.sqr(p.y, u);
        X25519Field.mul(u, D, v);
        X25519Field.subOne(u);
        X25519Field.addOne(v);
        if (!X25519Field.sqrtRatioVar(u, v, p.x)) {
            return null; // (y² − 1) / (d·y² + 1) is not a square
        }
        X25519Field.normalize(p.x);
        boolean xIsZero = X25519Field.isZeroVar(p.x);
        if (xIsZero && sign == 1) {
            return null;
        }
        if ((p.x[0] & 1) != sign) {
            X25519Field.negate(p.x, p.x);
            X25519Field.carry(p.x);
        }
        X25519Field.one(p.z);
        X25519Field.mul(p.x, p.y, p.t);
        return p;
    }

    /** The RFC 8032 encoding: y little-endian, the sign of x in the top bit. */
    byte[] encode() {
        int[] zInv = X25519Field.create();
        int[] ax = X25519Field.create();
        int[] ay = X25519Field.create();
        X25519Field.inv(z, zInv);
        X25519Field.mul(x, zInv, ax);
        X25519Field.mul(y, zInv, ay);
        X25519Field.normalize(ax);
        X25519Field.normalize(ay);
        byte[] out = new byte[32];
        X25519Field.encode(ay, out, 0);
        out[31] |= (byte) ((ax[0] & 1) << 7);
        return out;
    }

    /** True for the neutral element (0, 1): X = 0 and Y = Z. */
    boolean isIdentity() {
        int[] nx = normalized(x);
        return X25519Field.isZeroVar(nx) && Arrays.equals(normalized(y), normalized(z));
    }

    /** −P = (−x, y). */
    EdwardsPoint negated() {
        EdwardsPoint n = copy();
        X25519Field.negate(x, n.x);
        X25519Field.negate(t, n.t);
        return n;
    }

    EdwardsPoint copy() {
        EdwardsPoint c = new EdwardsPoint();
        X25519Field.copy(x, 0, c.x, 0);
        X25519Field.copy(y, 0, c.y, 0);
        X25519Field.copy(z, 0, c.z, 0);
        X25519Field.copy(t, 0, c.t, 0);
        return c;
    }

    private static int[] normalized(int[] f) {
        int[] c = X25519Field.create();
        X25519Field.copy(f, 0, c, 0);
        X25519Field.normalize(c);
        return c;
    }

    private static int[] constantD() {
        int[] num = X25519Field.create();
        int[] den = X25519Field.create();
        num[0] = 121665;
        den[0] = 121666;
        X25519Field.negate(num, num);
        X25519Field.carry(num);
        int[] denInv = X25519Field.create();
        X25519Field.inv(den, denInv);
        int[] d = X25519Field.create();
        X25519Field.mul(num, denInv, d);
        return d;
    }

    private static int[] doubled(int[] f) {
        int[] out = X25519Field.create();
        X25519Field.add(f, f, out);
        X25519Field.carry(out);
        return out;
    }

    private static byte[] baseEncoding() {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) 0x66);
        b[0] = 0x58;
        return b;
    }
}
