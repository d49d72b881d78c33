package dev.aegis.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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

    @Test
    void theDaemonReflectsThroughNativeAccessorsAndEveryOptionComesBeforeTheClassPath() {
        List<String> cmd = DaemonJvm.command("/opt/java/bin/java", 25, "-XX:AOTCache=/x/daemon.aot\n", "-Xlog:gc", "/x/lib/*");
        assertThat(cmd).contains(DaemonJvm.NATIVE_REFLECTION);
        assertThat(cmd.subList(cmd.size() - 2, cmd.size())).containsExactly("-cp", "/x/lib/*");
        assertThat(cmd.indexOf(DaemonJvm.NATIVE_REFLECTION)).isLessThan(cmd.indexOf("-XX:AOTCache=/x/daemon.aot"))
                .isLessThan(cmd.indexOf("-Xlog:gc")); // the user's AEGIS_DAEMON_OPTS come last: they can turn it off
        assertThat(cmd).containsSequence(DaemonJvm.C2_LATER);
        assertThat(cmd.indexOf(DaemonJvm.C2_LATER.getLast())).isLessThan(cmd.indexOf("-Xlog:gc"));
    }

    @Test
    void theCallPathsPackagesAreCompiledAtAFifthOfTheThresholdsAndTheJvmSaysNothingAboutIt() {
        List<String> cmd = DaemonJvm.command("/opt/java/bin/java", 21, null, null, "/x/lib/*");
        assertThat(cmd).containsSubsequence("-XX:CompileCommand=quiet",
                "-XX:CompileCommand=CompileThresholdScaling,dev.aegis.front.*::*,0.2",
                "-XX:CompileCommand=CompileThresholdScaling,dev.aegis.proxy.*::*,0.2");
    }
}
