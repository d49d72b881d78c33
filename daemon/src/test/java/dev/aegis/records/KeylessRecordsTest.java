package dev.aegis.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeylessRecordsTest {

    /** A keyless flood is recorded at most PER_SECOND a second, with a burst as large; a second later, again. */
    @Test
    void aKeylessFloodIsRecordedAtABoundedRate() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        KeylessRecords keyless = new KeylessRecords(now::get);
        int recorded = 0;
        for (int i = 0; i < 10_000; i++) {
            if (keyless.record()) {
                recorded++;
            }
        }
        assertThat(recorded).isEqualTo(KeylessRecords.PER_SECOND);
        now.addAndGet(1_000_000_000L);
        int after = 0;
        for (int i = 0; i < 10_000; i++) {
            if (keyless.record()) {
                after++;
            }
        }
        assertThat(after).isEqualTo(KeylessRecords.PER_SECOND);
    }
}
