package dev.aegis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MoneyTest {

    private static String viaBigDecimal(long nanos) {
        return Money.toUsd(nanos).stripTrailingZeros().toPlainString();
    }

    @Test
    void plainUsdIsTheBigDecimalsPlainStringWithoutTrailingZeros() {
        long[] edges = {0, 1, 9, 10, 100, 999_999_999, 1_000_000_000, 1_000_000_001, 1_500_000_000, 10_000_000_000L,
                12_340_000_000L, 1000, 123_456_789, Long.MAX_VALUE, -1, -1000, -1_500_000_000, Long.MIN_VALUE};
        for (long n : edges) {
            assertThat(Money.toPlainUsd(n)).as("%d", n).isEqualTo(viaBigDecimal(n));
        }
        assertThat(Money.toPlainUsd(1000)).isEqualTo("0.000001");
        SplittableRandom random = new SplittableRandom(29);
        for (int i = 0; i < 200_000; i++) {
            long n = switch (i % 4) {
                case 0 -> random.nextLong();
                case 1 -> random.nextLong(1_000_000);
                case 2 -> random.nextLong(1_000) * 1_000_000;
                default -> random.nextLong(100_000_000_000L);
            };
            assertThat(Money.toPlainUsd(n)).as("%d", n).isEqualTo(viaBigDecimal(n));
        }
    }
}
