package dev.aegis.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DaemonJvmTest {

    @Test
    void aJava25DaemonDoesNotReplayItsCachesTrainingProfiles() {
        assertThat(DaemonJvm.startUpJit(25))
                .containsExactly("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining");
    }

    @Test
    void anOlderJavaIsNeverGivenAFlagItWouldRefuseToStartWith() {
        // An unknown -XX option stops a JVM at once: Java 21 has no AOTReplayTraining.
        assertThat(DaemonJvm.startUpJit(21)).isEmpty();
    }
}
