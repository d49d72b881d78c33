package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon process started like {@code aegis start} (the launcher's serial collector and heap shape).
 * The serial collector never gives back a young-generation page it has touched, and a start allocates
 * tens of MB that are garbage once the daemon listens: whatever young generation the start had stays
 * resident for as long as the daemon is idle (issue 29: idle RSS ≤ 100 MB). So after the start the
 * young generation (eden and the survivor space in use, read from the daemon's own /metrics) must be at
 * most 8 MB; and under load, once a full collection has run, it must have grown back to at least
 * 24 MB (a 32 MB young generation less its idle survivor space), or calls would pay a young collection every few MB.
 */
class IdleHeapAfterStartIT {

    private static final int MAX_WAVES = 8;
    private static final String[] YOUNG = {"Eden Space", "Survivor Space"};

    @TempDir
    Path temp;

    @Test
    void theStartLeavesASmallYoungGenerationThatGrowsUnderLoad() throws Exception {
        try (BodyWaves daemon = BodyWaves.start(temp)) {
            // Before: 64 MB (-Xmn64m), of which ≈ 29 MB of start-up garbage stayed resident while idle.
            long afterStart = daemon.committed(YOUNG);
            assertThat(afterStart / (double) BodyWaves.MB).as("young generation committed after the start (MB)")
                    .isLessThanOrEqualTo(8);
            // Waves of calls each holding a 1 MB body across young collections: they are promoted, the old
            // generation grows, and the daemon's OldGenerationBound runs a full collection, at which the
            // collector sizes the young generation to the old one's.
            List<Long> youngAfterEachWave = new ArrayList<>();
            for (int wave = 0; wave < MAX_WAVES && daemon.committed(YOUNG) < 24 * BodyWaves.MB; wave++) {
                daemon.wave();
                youngAfterEachWave.add(daemon.committed(YOUNG) / BodyWaves.MB);
            }
            System.out.printf("young generation committed: %d MB after the start, after each wave (MB) %s%n",
                    afterStart / BodyWaves.MB, youngAfterEachWave);
            assertThat(daemon.committed(YOUNG) / (double) BodyWaves.MB)
                    .as("young generation committed under load (MB), after each wave: %s", youngAfterEachWave)
                    .isGreaterThanOrEqualTo(24);
        }
    }
}
