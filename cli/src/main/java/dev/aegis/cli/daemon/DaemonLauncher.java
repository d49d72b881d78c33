package dev.aegis.cli.daemon;

import dev.aegis.cli.CliException;
import dev.aegis.config.Setting;
import dev.aegis.control.DaemonJvm;
import dev.aegis.control.DaemonProcess;
import dev.aegis.control.DaemonState;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.home.AegisHome;
import dev.aegis.home.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Starts the daemon as its own process from the same Java runtime and class path, detached from
 * the terminal, and waits until it publishes its state and answers {@code /healthz}.
 */
public final class DaemonLauncher {

    private static final Duration POLL = Duration.ofMillis(10);
    /** How long an early-launched JVM that does not fit may take to stop before a daemon is spawned. */
    private static final Duration DISMISS_WAIT = Duration.ofSeconds(15);

    private final AegisHome home;
    private final Map<String, String> env;
    private final DaemonClient client = new DaemonClient();

    public DaemonLauncher(AegisHome home, Map<String, String> env) {
        this.home = home;
        this.env = env;
    }

    /** The instance id of a daemon the launcher script launched early for this {@code aegis start}, if any. */
    public static Optional<String> earlyInstance(Map<String, String> env) {
        return EarlyDaemon.announced(env).map(EarlyDaemon::instance);
    }

    /**
     * Set by the launcher script for {@code aegis start --foreground}: the file to write the daemon's
     * command into (arguments separated by NUL), which the script then {@code exec}s, so that the
     * service manager's process is the daemon's JVM itself and no CLI JVM waits beside it.
     */
    public static final String FOREGROUND_EXEC_ENV = "AEGIS_FOREGROUND_EXEC";

    /** Writes the foreground daemon's command for the launcher script to exec (see {@link #FOREGROUND_EXEC_ENV}). */
    public void writeForegroundCommand(LaunchSpec spec, Path file) {
        List<String> cmd = daemonCommand(jvmCommand(), arguments(spec, UUID.randomUUID().toString(), true));
        try {
            Files.writeString(file, String.join("\0", cmd) + "\0", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("cannot write the daemon's command to " + file + ": " + e.getMessage());
        }
    }

    /** Runs the daemon attached to this terminal until it stops, as a child of this JVM; returns its exit code. */
    public int runForeground(LaunchSpec spec) {
        List<String> cmd = daemonCommand(jvmCommand(), arguments(spec, UUID.randomUUID().toString(), true));
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

    /**
     * Starts a detached daemon (handing the launcher script's early-launched JVM its arguments when
     * there is one that fits, else spawning one) and waits for it to be healthy; on failure explains
     * why with the log's tail.
     */
    public DaemonState startDetached(LaunchSpec spec, Duration wait) {
        return startDetached(spec, wait, daemon -> { });
    }

    /**
     * @param launched told the daemon's process as soon as it is known, before it answers: who must stop a daemon
     *     still starting (a benchmark interrupted) can find it, as neither its state nor its lock names it yet
     */
    public DaemonState startDetached(LaunchSpec spec, Duration wait, java.util.function.Consumer<ProcessHandle> launched) {
        try {
            home.ensureCreated();
        } catch (IOException e) {
            throw new CliException("cannot create the home folder " + home.root() + " (" + e.getMessage()
                    + "); pass --home DIR or set AEGIS_HOME to a writable folder");
        }
        Path out = home.daemonOut();
        try {
            SecureFiles.ensurePrivateFile(out);
        } catch (IOException e) {
            throw new CliException("cannot create " + out + ": " + e.getMessage());
        }
        long outStart = sizeOf(out);
        long logStart = sizeOf(home.daemonLog());
        List<String> jvm = jvmCommand();
        Optional<EarlyDaemon> announced = EarlyDaemon.announced(env);
        Optional<EarlyDaemon> early = announced.filter(e -> e.launchedAs(home, jvm));
        String instance;
        Optional<ProcessHandle> daemon;
        boolean spawned = false;
        if (early.isPresent() && early.get().hand(arguments(spec, early.get().instance(), false))) {
            instance = early.get().instance();
            daemon = Optional.of(early.get().process());
        } else {
            announced.ifPresent(e -> e.dismiss(DISMISS_WAIT));
            instance = UUID.randomUUID().toString();
            daemon = spawn(jvm, arguments(spec, instance, false), out);
            spawned = true;
        }
        daemon.ifPresent(launched);
        DaemonStateFile stateFile = new DaemonStateFile(home.daemonState());
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<DaemonState> state = stateFile.read().filter(s -> s.instance().equals(instance));
            if (state.isPresent() && client.health(state.get()).isPresent()) {
                if (spawned) {
                    rememberLaunch(jvm);
                }
                return state.get();
            }
            if (daemon.isEmpty() || !ProcessLiveness.running(daemon.get())) {
                throw new CliException(DaemonDiagnostics.failure(home, outStart, logStart, "the daemon exited"));
            }
            sleep(POLL);
        }
        daemon.ifPresent(ProcessHandle::destroy);
        throw new CliException(DaemonDiagnostics.failure(home, outStart, logStart,
                "the daemon did not answer /healthz within " + wait.toSeconds() + " s"));
    }

    /**
     * Spawns the daemon detached: {@code sh} starts it in the background (in its own session, via
     * setsid when there is one), prints its pid and exits, so the daemon is not this JVM's child.
     * A JVM exits 300 ms late while one of its threads waits on a child process (the JDK's process
     * reaper does, for as long as the child lives): every {@code aegis start} paid that.
     */
    private Optional<ProcessHandle> spawn(List<String> jvm, List<String> arguments, Path out) {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "\"$@\" </dev/null >>\"$0\" 2>&1 & echo $!",
                out.toString()));
        setsid().ifPresent(cmd::add);
        cmd.addAll(daemonCommand(jvm, arguments));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            withEnvironment(pb);
            Process sh = pb.start();
            sh.getOutputStream().close();
            String said = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            sh.waitFor();
            if (!said.matches("\\d+")) {
                throw new CliException("cannot start the daemon (" + jvm.getFirst() + "): " + said);
            }
            // Empty when it is gone already (it failed at once): the wait reports why, from its output.
            return ProcessHandle.of(Long.parseLong(said));
        } catch (IOException e) {
            throw new CliException("cannot start the daemon (" + jvm.getFirst() + "): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    /** For the launcher script's next early launch; without it the next start is only slower. */
    private void rememberLaunch(List<String> jvm) {
        try {
            SecureFiles.writeAtomically(home.daemonLaunch(), DaemonJvm.launchFile(jvm).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the next start launches the usual way
        }
    }

    /** The daemon sees exactly the environment this CLI was given (provider keys, AEGIS_* settings). */
    private void withEnvironment(ProcessBuilder pb) {
        pb.environment().clear();
        pb.environment().putAll(env);
        EarlyDaemon.ENV.forEach(pb.environment()::remove);
    }

    /** The daemon's java, JVM options and class path: what an early launch must match. */
    private List<String> jvmCommand() {
        return DaemonJvm.command(javaBinary(), Runtime.version().feature(), System.getProperty(DaemonJvm.INSTALL_OPTIONS, ""),
                Setting.AEGIS_DAEMON_OPTS.from(env), System.getProperty("java.class.path"));
    }

    /**
     * The whole command: the JVM's, when this launch began (so the daemon's log can say how long its
     * JVM took to reach main), the daemon's main class and its arguments.
     */
    private static List<String> daemonCommand(List<String> jvm, List<String> arguments) {
        List<String> cmd = new ArrayList<>(jvm);
        cmd.add("-D" + DaemonProcess.LAUNCHED_AT_PROPERTY + "=" + System.currentTimeMillis());
        cmd.add(DaemonProcess.MAIN_CLASS);
        cmd.addAll(arguments);
        return cmd;
    }

    private List<String> arguments(LaunchSpec spec, String instance, boolean foreground) {
        List<String> cmd = new ArrayList<>();
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
