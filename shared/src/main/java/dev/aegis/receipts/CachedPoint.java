package dev.aegis.receipts;

import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * A point prepared to be added to others ("cached" form): Y + X, Y − X, 2·Z and 2·d·T, so one
 * addition costs eight field multiplications. Made by {@link PointArithmetic#cached}.
 */
final class CachedPoint {
    final int[] yPlusX = X25519Field.create();
    final int[] yMinusX = X25519Field.create();
    final int[] z2 = X25519Field.create();
    final int[] t2d = X25519Field.create();
}
