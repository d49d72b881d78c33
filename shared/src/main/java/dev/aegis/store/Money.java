package dev.aegis.store;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** USD amounts at rest: exact integers of nano-USD (1e-9). Costs round up to the next nano-dollar. */
public final class Money {

    private static final int SCALE = 9;

    private Money() {}

    public static long toNanos(BigDecimal usd) {
        return usd.setScale(SCALE, RoundingMode.CEILING).unscaledValue().longValueExact();
    }

    /**
     * A call's cost as nano-USD, rounded up, at most {@link #MAX_CALL_NANOS} (about $9 million): what a
     * provider reports is not trusted to fit, and a row always holds a number a report can add up.
     */
    public static long callCostNanos(BigDecimal usd) {
        java.math.BigInteger nanos = usd.setScale(SCALE, RoundingMode.CEILING).unscaledValue();
        return nanos.bitLength() < 63 ? Math.clamp(nanos.longValue(), 0, MAX_CALL_NANOS) : nanos.signum() > 0 ? MAX_CALL_NANOS : 0;
    }

    /** The most one call's cost is recorded as, in nano-USD (2^63 / 1024). */
    public static final long MAX_CALL_NANOS = Long.MAX_VALUE / 1024;

    public static BigDecimal toUsd(long nanos) {
        return BigDecimal.valueOf(nanos, SCALE);
    }

    /**
     * The amount as plain USD without trailing zeros ({@code "0.000001"}, {@code "1.5"}, {@code "0"}):
     * exactly {@code toUsd(nanos).stripTrailingZeros().toPlainString()}, without making two
     * {@link BigDecimal}s (it is written for every call, in its log line and its receipt).
     */
    public static String toPlainUsd(long nanos) {
        if (nanos < 0) {
            return toUsd(nanos).stripTrailingZeros().toPlainString();
        }
        long whole = nanos / 1_000_000_000L;
        long fraction = nanos % 1_000_000_000L;
        if (fraction == 0) {
            return Long.toString(whole);
        }
        int digits = SCALE;
        while (fraction % 10 == 0) {
            fraction /= 10;
            digits--;
        }
        StringBuilder s = new StringBuilder(24).append(whole).append('.');
        String f = Long.toString(fraction);
        for (int i = f.length(); i < digits; i++) {
            s.append('0');
        }
        return s.append(f).toString();
    }
}
