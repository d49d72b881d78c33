package dev.aegis.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GiveWayTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private long yieldTakes;
    private final GiveWay giveWay = new GiveWay(now::get, () -> now.addAndGet(yieldTakes));

    @Test
    void yieldsOnlyOnceAStretchHasRunItsLength() {
        now.addAndGet(GiveWay.STRETCH_NANOS - 1);
        giveWay.point();
        assertThat(giveWay.yields()).isZero();

        now.addAndGet(1);
        giveWay.point();
        assertThat(giveWay.yields()).isOne();

        giveWay.point();
        assertThat(giveWay.yields()).as("a new stretch starts after the yield").isOne();
        now.addAndGet(GiveWay.STRETCH_NANOS);
        giveWay.point();
        assertThat(giveWay.yields()).isEqualTo(2);
    }

    @Test
    void aYieldThatShowsTheCoresSaturatedLengthensTheStretchesWithoutEndingThem() {
        yieldTakes = GiveWay.BUSY_NANOS - 1;
        for (int i = 0; i < 3; i++) {
            now.addAndGet(GiveWay.STRETCH_NANOS);
            giveWay.point();
        }
        assertThat(giveWay.yields()).as("short waits: the work keeps giving way").isEqualTo(3);

        yieldTakes = GiveWay.BUSY_NANOS;
        now.addAndGet(GiveWay.STRETCH_NANOS);
        giveWay.point();
        assertThat(giveWay.yields()).isEqualTo(4);
        now.addAndGet(GiveWay.SATURATED_STRETCH_NANOS - 1);
        giveWay.point();
        assertThat(giveWay.yields()).as("after a yield that waited a whole slice, a longer stretch").isEqualTo(4);
        now.addAndGet(1);
        giveWay.point();
        assertThat(giveWay.yields()).as("but the batch still gives way once that stretch has run").isEqualTo(5);

        yieldTakes = 0;
        now.addAndGet(GiveWay.SATURATED_STRETCH_NANOS);
        giveWay.point();
        now.addAndGet(GiveWay.STRETCH_NANOS);
        giveWay.point();
        assertThat(giveWay.yields()).as("a quick yield brings the short stretches back").isEqualTo(7);
    }

    @Test
    void theRealClockAndYieldWork() {
        GiveWay real = new GiveWay();
        long until = System.nanoTime() + 5 * GiveWay.STRETCH_NANOS;
        while (System.nanoTime() < until) {
            real.point();
        }
        assertThat(real.yields()).isPositive();
    }
}
