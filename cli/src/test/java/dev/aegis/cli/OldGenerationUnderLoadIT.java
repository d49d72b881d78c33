package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon process started like {@code aegis start} (the launcher's serial collector and heap shape),
 * waves of calls that each hold a 1 MB body while the provider takes its time: every wave's bodies are
 * alive at a young collection, overflow the survivor spaces and are promoted, then die. The serial
 * collector alone grows the old generation by each wave and never collects it while calls keep coming;
 * the daemon runs a full collection when it has doubled, so its committed size (read from the
 * daemon's own /metrics) stays bounded wave after wave.
 */
class OldGenerationUnderLoadIT {

    private static final int WAVES = 6;

    @TempDir
    Path temp;

    @Test
    void promotedBodiesDoNotGrowTheOldGenerationWaveAfterWave() throws Exception {
        try (BodyWaves daemon = BodyWaves.start(temp)) {
            double initial = daemon.committed("Tenured Gen");
            double largest = initial;
            List<Double> afterEachWave = new ArrayList<>();
            for (int wave = 0; wave < WAVES; wave++) {
                daemon.wave();
                double now = daemon.committed("Tenured Gen");
                afterEachWave.add(now / BodyWaves.MB);
                largest = Math.max(largest, now);
            }
            System.out.printf("old generation committed: %.0f MB at start, after each wave (MB) %s%n",
                    initial / BodyWaves.MB, afterEachWave);
            // Without the bound it only grows, by ≈ 95 MB a wave (every wave's bodies promoted), and never
            // shrinks under load: 106, 201, 290, 384, 483, 585 MB. With it, a full collection runs once the
            // old generation holds twice what the last one left live: 91, 148, 155, 161, 153, 157 MB
            // (another run: 101, 137, 140, 202, 132, 126 MB).
            assertThat(largest / BodyWaves.MB).as("old generation committed after each wave (MB): %s", afterEachWave)
                    .isLessThan(300);
        }
    }
}
