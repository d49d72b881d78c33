package dev.aegis.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestTimelineTest {

    @Test
    void theOverheadHeaderIsMillisecondsWithThreeDecimalsRoundedHalfUp() {
        assertThat(RequestTimeline.millis3(0)).isEqualTo("0.000");
        assertThat(RequestTimeline.millis3(5_000)).isEqualTo("0.005");
        assertThat(RequestTimeline.millis3(49_499)).isEqualTo("0.049");
        assertThat(RequestTimeline.millis3(49_500)).isEqualTo("0.050");
        assertThat(RequestTimeline.millis3(1_234_567)).isEqualTo("1.235");
        assertThat(RequestTimeline.millis3(999_999_999)).isEqualTo("1000.000");
        assertThat(RequestTimeline.millis3(-3)).as("a clock step back is not a negative overhead").isEqualTo("0.000");
        assertThat(RequestTimeline.millis3(123_456_789)).isEqualTo(String.format(java.util.Locale.ROOT, "%.3f", 123.456789));
    }
}
