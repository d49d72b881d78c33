package dev.aegis.cli.daemon;

import dev.aegis.cli.CliException;
import dev.aegis.config.Setting;
import dev.aegis.control.DaemonProcess;
import dev.aegis.control.DaemonState;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.home.AegisHome;
import dev.aegis.home.SecureFiles;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Starts the daemon as its own process from the same Java runtime and class path, detached from
 * the terminal, and waits until it publishes its state and answers {@code /healthz}.
 */
public final class DaemonLauncher {

    private static final Duration POLL = Duration.ofMillis(25);
    static final String INSTALL_OPTIONS = "aegis.daemon.jvmOptions";

    private final AegisHome home;
    private final Map<String, String> env;
    private final DaemonClient client = new DaemonClient();

    public DaemonLauncher(AegisHome home, Map<String, String> env) {
        this.home = home;
        this.env = env;
    }

    /** Runs the daemon attached to this terminal until it stops; returns its exit code. */
    public int runForeground(LaunchSpec spec) {
        List<String> cmd = command(spec, UUID.randomUUID().toString(), true);
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
            withEnvironment(pb);
            Process p = pb.start();
            // Stopped by a service manager or Ctrl-C: the daemon stops with this process, gracefully.
            Thread forward = new Thread(() -> stopChild(p), "aegis-foreground-stop");
            Runtime.getRuntime().addShutdownHook(forward);
            int code = p.waitFor();
            try {
                Runtime.getRuntime().removeShutdownHook(forward);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs and finds the daemon gone
            }
            return code;
        } catch (IOException e) {
            throw new CliException("cannot run " + cmd.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    private static void stopChild(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Spawns a detached daemon and waits for it to be healthy; on failure explains why with the log's tail. */
    public DaemonState startDetached(LaunchSpec spec, Duration wait) {
        try {
            home.ensureCreated();
        } catch (IOException e) {
            throw new CliException("cannot create the home folder " + home.root() + " (" + e.getMessage()
                    + "); pass --home DIR or set AEGIS_HOME to a writable folder");
        }
        String instance = UUID.randomUUID().toString();
        List<String> cmd = new ArrayList<>();
        setsid().ifPresent(cmd::add);
        cmd.addAll(command(spec, instance, false));
        Path out = home.daemonOut();
        try {
            SecureFiles.ensurePrivateFile(out);
        } catch (IOException e) {
            throw new CliException("cannot create " + out + ": " + e.getMessage());
        }
        long outStart = sizeOf(out);
        long logStart = sizeOf(home.daemonLog());
        Process process;
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectErrorStream(true);
            withEnvironment(pb);
            process = pb.start();
        } catch (IOException e) {
            throw new CliException("cannot start the daemon (" + cmd.getFirst() + "): " + e.getMessage());
        }
        DaemonStateFile stateFile = new DaemonStateFile(home.daemonState());
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<DaemonState> state = stateFile.read().filter(s -> s.instance().equals(instance));
            if (state.isPresent() && client.health(state.get()).isPresent()) {
                return state.get();
            }
            if (!process.isAlive()) {
                throw new CliException(DaemonDiagnostics.failure(home, outStart, logStart,
                        "the daemon exited with code " + process.exitValue()));
            }
            sleep(POLL);
        }
        process.destroy();
        throw new CliException(DaemonDiagnostics.failure(home, outStart, logStart,
                "the daemon did not answer /healthz within " + wait.toSeconds() + " s"));
    }

    /** The daemon sees exactly the environment this CLI was given (provider keys, AEGIS_* settings). */
    private void withEnvironment(ProcessBuilder pb) {
        pb.environment().clear();
        pb.environment().putAll(env);
    }

    /**
     * The daemon's heap, measured in the soak of issue 11 (docs/BENCHMARKS.md, docs/RELIABILITY.md):
     * a fixed 64 MB young generation (a call's garbage dies there; ~1.5 ms collections, live data
     * ≈ 13 MB) and a 96 MB starting heap, so the old generation starts at 32 MB and only grows when
     * live data needs it (large bodies), and shrinks back at the next full collection. With the JVM's
     * defaults (1/64 of the machine's memory to start) the old generation filled with promoted
     * garbage and the daemon's resident memory climbed for the whole soak (180 → 320 MB); an -Xms8m
     * without a fixed young generation was worse (1–2.5 GB under large bodies). No -Xmx: a 32 MB body
     * must never make the daemon run out of memory.
     */
    static final List<String> HEAP_SHAPE = List.of("-Xmn64m", "-Xms96m", "-XX:MinHeapFreeRatio=20",
            "-XX:MaxHeapFreeRatio=50");

    private List<String> command(LaunchSpec spec, String instance, boolean foreground) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(HEAP_SHAPE);
        if (Runtime.version().feature() >= 22) {
            // Give memory freed by the JIT compiler and the C heap back to the system (a product flag from 22 on).
            cmd.add("-XX:TrimNativeHeapInterval=5000");
        }
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        // SQLite's JDBC driver loads its native library; say so, or Java 24+ warns on every start.
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(installOptions());
        String opts = Setting.AEGIS_DAEMON_OPTS.from(env);
        if (opts != null) {
            cmd.addAll(Arrays.asList(opts.trim().split("\\s+")));
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        // When this launch began, so the daemon's log can say how long its JVM took to reach main.
        cmd.add("-D" + DaemonProcess.LAUNCHED_AT_PROPERTY + "=" + System.currentTimeMillis());
        cmd.add(DaemonProcess.MAIN_CLASS);
        cmd.add("--home");
        cmd.add(home.root().toString());
        cmd.add("--instance");
        cmd.add(instance);
        if (spec.host() != null) {
            cmd.add("--host");
            cmd.add(spec.host());
        }
        if (spec.port() != null) {
            cmd.add("--port");
            cmd.add(spec.port().toString());
        }
        if (spec.config() != null) {
            cmd.add("--config");
            cmd.add(Path.of(spec.config()).toAbsolutePath().toString());
        }
        if (foreground) {
            cmd.add("--foreground");
        }
        return cmd;
    }

    /**
     * What the launcher prepared for the daemon's JVM in this install (SQLite's extracted native
     * library, the daemon's AOT cache): one option per line of {@code aegis.daemon.jvmOptions}.
     */
    static List<String> installOptions() {
        String lines = System.getProperty(INSTALL_OPTIONS, "");
        return lines.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Detaches the daemon from the terminal's session so closing the terminal does not stop it. */
    private static Optional<String> setsid() {
        for (String p : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(p))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static long sizeOf(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }
}
