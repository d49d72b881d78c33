package dev.aegis.receipts;

import java.util.ArrayList;
import java.util.List;

/**
 * Σ [k_i] P_i by Straus' method: one shared run of doublings from the top digit down, and for each
 * term an addition of an odd multiple of P_i wherever k_i's width-w NAF has a non-zero digit.
 */
final class MultiScalarSum {

    private final List<CachedPoint[]> tables = new ArrayList<>();
    private final List<byte[]> digits = new ArrayList<>();

    /**
     * @param oddMultiples P, 3P, 5P, … as {@link PointArithmetic#oddMultiples} gives, 2^(w−2) of them
     * @param naf the scalar's width-w NAF ({@link Wnaf#digits})
     */
    void add(CachedPoint[] oddMultiples, byte[] naf) {
        tables.add(oddMultiples);
        digits.add(naf);
    }

    EdwardsPoint sum(PointArithmetic ops) {
        int top = -1;
        for (byte[] naf : digits) {
            for (int i = naf.length - 1; i > top; i--) {
                if (naf[i] != 0) {
                    top = i;
                    break;
                }
            }
        }
        EdwardsPoint acc = EdwardsPoint.identity();
        for (int i = top; i >= 0; i--) {
            if (i < top) {
                ops.twice(acc);
            }
            for (int k = 0; k < digits.size(); k++) {
                byte[] naf = digits.get(k);
                int digit = i < naf.length ? naf[i] : 0;
                if (digit > 0) {
                    ops.add(acc, tables.get(k)[digit >> 1], false);
                } else if (digit < 0) {
                    ops.add(acc, tables.get(k)[-digit >> 1], true);
                }
            }
        }
        return acc;
    }
}
