package dev.aegis.receipts;

import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * Doubling and addition on edwards25519 (a = −1) in extended coordinates: dbl-2008-hwcd and
 * add-2008-hwcd-3 (Hisil, Wong, Carter, Dawson 2008). Holds scratch field elements, so one instance
 * serves one thread. Not constant-time: it only ever handles public data (signatures, keys).
 *
 * <p>Limb bounds: {@link X25519Field#mul} accepts a sum or difference of two reduced elements, so
 * anything built from more than that is {@link X25519Field#carry carried} first.
 */
final class PointArithmetic {

    private final int[] a = X25519Field.create();
    private final int[] b = X25519Field.create();
    private final int[] c = X25519Field.create();
    private final int[] d = X25519Field.create();
    private final int[] e = X25519Field.create();
    private final int[] f = X25519Field.create();
    private final int[] g = X25519Field.create();
    private final int[] h = X25519Field.create();

    /** p = 2·p. */
    void twice(EdwardsPoint p) {
        X25519Field.sqr(p.x, a);
        X25519Field.sqr(p.y, b);
        X25519Field.sqr(p.z, c);
        X25519Field.add(c, c, c);
        X25519Field.add(p.x, p.y, e);
        X25519Field.sqr(e, e);
        X25519Field.sub(e, a, e);
        X25519Field.sub(e, b, e);
        X25519Field.carry(e);        // E = (X + Y)² − A − B
        X25519Field.sub(b, a, g);    // G = −A + B
        X25519Field.sub(g, c, f);
        X25519Field.carry(f);        // F = G − C
        X25519Field.add(a, b, h);
        X25519Field.negate(h, h);    // H = −A − B
        X25519Field.mul(e, f, p.x);
        X25519Field.mul(g, h, p.y);
        X25519Field.mul(e, h, p.t);
        X25519Field.mul(f, g, p.z);
    }

    /** p = p + q, or p = p − q when {@code subtract}. */
    void add(EdwardsPoint p, CachedPoint q, boolean subtract) {
        X25519Field.sub(p.y, p.x, a);
        X25519Field.mul(a, subtract ? q.yPlusX : q.yMinusX, a);
        X25519Field.add(p.y, p.x, b);
        X25519Field.mul(b, subtract ? q.yMinusX : q.yPlusX, b);
        X25519Field.mul(p.t, q.t2d, c);
        X25519Field.mul(p.z, q.z2, d);
        X25519Field.sub(b, a, e);
        X25519Field.add(b, a, h);
        if (subtract) {
            X25519Field.add(d, c, f);
            X25519Field.sub(d, c, g);
        } else {
            X25519Field.sub(d, c, f);
            X25519Field.add(d, c, g);
        }
        X25519Field.mul(e, f, p.x);
        X25519Field.mul(g, h, p.y);
        X25519Field.mul(e, h, p.t);
        X25519Field.mul(f, g, p.z);
    }

    CachedPoint cached(EdwardsPoint p) {
        CachedPoint q = new CachedPoint();
        X25519Field.add(p.y, p.x, q.yPlusX);
        X25519Field.carry(q.yPlusX);
        X25519Field.sub(p.y, p.x, q.yMinusX);
        X25519Field.carry(q.yMinusX);
        X25519Field.add(p.z, p.z, q.z2);
        X25519Field.carry(q.z2);
        X25519Field.mul(p.t, EdwardsPoint.D2, q.t2d);
        return q;
    }

    /** P, 3P, 5P, … ({@code count} odd multiples), the table a width-w NAF indexes with |digit| / 2. */
    CachedPoint[] oddMultiples(EdwardsPoint p, int count) {
        CachedPoint[] table = new CachedPoint[count];
        table[0] = cached(p);
        if (count > 1) {
            EdwardsPoint twoP = p.copy();
            twice(twoP);
            CachedPoint step = cached(twoP);
            EdwardsPoint current = p.copy();
            for (int i = 1; i < count; i++) {
                add(current, step, false);
                table[i] = cached(current);
            }
        }
        return table;
    }
}
