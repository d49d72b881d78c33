package dev.aegis.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DaemonLauncherTest {

    @Test
    void aJava25DaemonDoesNotReplayItsCachesTrainingProfiles() {
        assertThat(DaemonLauncher.startUpJit(25))
                .containsExactly("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining");
    }

    @Test
    void anOlderJavaIsNeverGivenAFlagItWouldRefuseToStartWith() {
        // An unknown -XX option stops a JVM at once: Java 21 has no AOTReplayTraining.
        assertThat(DaemonLauncher.startUpJit(21)).isEmpty();
    }
}
