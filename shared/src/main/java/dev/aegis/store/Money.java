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
}
