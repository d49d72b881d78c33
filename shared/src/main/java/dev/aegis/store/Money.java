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
