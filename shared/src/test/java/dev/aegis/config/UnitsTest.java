package dev.aegis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void durations() {
        assertThat(Units.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Units.duration("100us")).isEqualTo(Duration.ofNanos(100_000));
        assertThat(Units.duration("50µs")).isEqualTo(Duration.ofNanos(50_000));
        assertThat(Units.duration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Units.duration("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Units.duration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Units.duration("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(Units.duration("7")).isEqualTo(Duration.ofSeconds(7));
        assertThatThrownBy(() -> Units.duration("soon")).hasMessageContaining("not a duration");
        assertThat(Units.duration("36500d")).isEqualTo(Units.MAX_DURATION);
        // Beyond a hundred years, or beyond a long: the same plain error, never an overflow's (found by an outside review).
        for (String huge : new String[] {"36501d", "999999999d", "9223372036854775807", "9223372036854775808",
                "99999999999999999999999ms", "9223372036854775807us"}) {
            assertThatThrownBy(() -> Units.duration(huge)).as(huge).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("longer than the longest duration accepted");
        }
        assertThatThrownBy(() -> Units.instant("99999999999999d", java.time.Instant.now(), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a time");
    }

    @Test
    void sizes() {
        assertThat(Units.bytes("32MB")).isEqualTo(32L * 1024 * 1024);
        assertThat(Units.bytes("512kb")).isEqualTo(512L * 1024);
        assertThat(Units.bytes("1G")).isEqualTo(1024L * 1024 * 1024);
        assertThat(Units.bytes("100")).isEqualTo(100);
        assertThatThrownBy(() -> Units.bytes("lots")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Units.bytes("9999999999999GB")).hasMessageContaining("larger than any size");
        assertThatThrownBy(() -> Units.bytes("99999999999999999999")).hasMessageContaining("larger than any size");
    }
}
