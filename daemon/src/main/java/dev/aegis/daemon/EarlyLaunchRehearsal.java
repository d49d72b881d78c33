package dev.aegis.daemon;

import dev.aegis.control.DaemonJvm;
import dev.aegis.control.DaemonState;
import dev.aegis.home.AegisHome;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * install.sh's training daemon is launched the ordinary way, so the early launch's own code
 * ({@link EarlyLaunch}, {@link StartAlone}, {@link EarlyArguments}, {@code DaemonJvm},
 * {@code StartMessage}) never ran in it: its classes stayed out of the AOT cache, and every early
 * start loaded them from the jars, verified them and linked their lambdas and string
 * concatenations, ≈ 15 ms of the main thread's CPU before the lock was even taken
 * (docs/STARTUP.md). The training daemon's stop runs that code once, answering into nothing: it
 * starts, registers and writes nothing.
 */
final class EarlyLaunchRehearsal {

    private static final String[] FLAGS = {"--port", "0", "--instance", "aot-training"};

    private EarlyLaunchRehearsal() {}

    /**
     * @param state the training daemon's state, or null when it never got to serve
     * @return whether every step ran (each is best effort: a failure only leaves its classes out)
     */
    static boolean run(Daemon daemon, DaemonState state, AegisHome home, Map<String, String> env) {
        try {
            DaemonOptions guessed = DaemonMain.parse(FLAGS, env);
            EarlyArguments.read(new ByteArrayInputStream("--port\n0\n\n".getBytes(StandardCharsets.UTF_8)));
            EarlyLaunch.sigtermHook(daemon); // built, never registered
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            StartAlone alone = StartAlone.answeringTo(OutputStream.nullOutputStream(), java,
                    System.getProperty("java.class.path", ""), System.getProperty(DaemonJvm.INSTALL_OPTIONS, ""));
            EarlyLaunch.mayFinishAlone(alone, FLAGS, guessed, env);
            if (state != null) {
                alone.started(state, home);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
