package dev.aegis.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DaemonLauncherTest {

    @Test
    void aJava25DaemonDoesNotReplayItsCachesTrainingProfiles() {
        assertThat(DaemonLauncher.startUpJit(25))
                .containsSubsequence("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining")
                .contains("-XX:CompileThresholdScaling=5");
    }

    @Test
    void anOlderJavaIsNeverGivenAFlagItWouldRefuseToStartWith() {
        // An unknown -XX option stops a JVM at once: Java 21 has no AOTReplayTraining.
        assertThat(DaemonLauncher.startUpJit(21)).containsExactly("-XX:CompileThresholdScaling=5");
    }
}
