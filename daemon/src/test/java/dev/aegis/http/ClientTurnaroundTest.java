package dev.aegis.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientTurnaroundTest {

    private static final long SPIN = 100_000;

    /** Answers to a client whose next request comes {@code turnaround} after each; how many were spun for. */
    private static int spinsFor(ClientTurnaround c, int answers, long turnaround) {
        int spins = 0;
        long now = 1;
        for (int i = 0; i < answers; i++) {
            if (c.answered(now)) {
                spins++;
                boolean arrived = turnaround <= SPIN;
                c.spun(arrived);
                if (!arrived) {
                    c.requestCame(now + turnaround);
                }
            } else {
                c.requestCame(now + turnaround);
            }
            now += 10_000_000;
        }
        return spins;
    }

    @Test
    void aClientSendingAtOnceIsSpunForAfterEveryAnswer() {
        assertThat(spinsFor(new ClientTurnaround(SPIN), 200, 50_000)).isEqualTo(200);
    }

    /** Node's HTTP client after a stream takes ≈ 0.7 ms: every spin of 100 µs is in vain. */
    @Test
    void aPromptClientSlowerThanTheSpinCostsFewSpinsInVain() {
        int spins = spinsFor(new ClientTurnaround(SPIN), 640, 700_000);
        // 4 in a row, then 2, 4, ... 64 answers apart, then one in 64.
        assertThat(spins).as("spins in vain for 640 answers").isBetween(10, 20);
    }

    @Test
    void aClientThatPausesIsNotSpunForAfterTheFirstAnswer() {
        assertThat(spinsFor(new ClientTurnaround(SPIN), 100, 30_000_000)).isEqualTo(1);
    }

    @Test
    void hiccupsShortOfABackOffCostNoAnswerItsSpin() {
        ClientTurnaround c = new ClientTurnaround(SPIN);
        long now = 1_000;
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < ClientTurnaround.IN_VAIN_BEFORE_BACK_OFF - 1; i++) {
                assertThat(c.answered(now)).isTrue();
                c.spun(false);
                c.requestCame(now + 2 * SPIN);
                now += 5_000_000;
            }
            assertThat(c.answered(now)).isTrue();
            c.spun(true);
            now += 5_000_000;
        }
    }

    @Test
    void spinsInVainInARowBackOff() {
        ClientTurnaround c = new ClientTurnaround(SPIN);
        long now = 1;
        StringBuilder pattern = new StringBuilder();
        for (int i = 0; i < 18; i++) {
            boolean spin = c.answered(now);
            pattern.append(spin ? 'S' : '-');
            if (spin) {
                c.spun(false);
            }
            c.requestCame(now + 500_000);
            now += 10_000_000;
        }
        assertThat(pattern.toString()).isEqualTo("SSSS-S---S-------S");
    }

    @Test
    void noSpinWhenBusyPollIsOff() {
        assertThat(spinsFor(new ClientTurnaround(0), 10, 1_000)).isZero();
    }
}
