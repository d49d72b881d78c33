package dev.aegis.cli.daemon;

import dev.aegis.control.DaemonJvm;
import dev.aegis.home.AegisHome;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A daemon JVM the launcher script started beside the CLI's own for {@code aegis start} (early
 * launch, docs/STARTUP.md): started on the flags it could read itself, or waiting for the CLI's,
 * with a pipe to its standard input. The script replays the launch the CLI wrote to
 * {@link AegisHome#daemonLaunch()} last time; the CLI hands the early JVM its arguments only when
 * that launch is still exactly the one it would make now, and dismisses it otherwise (or simply by
 * ending, which closes the pipe).
 */
final class EarlyDaemon {

    /**
     * Set by the launcher script: the early JVM's pid, the pipe to its standard input, the home it
     * assumed and the instance id it gave it.
     */
    static final String PID_ENV = "AEGIS_EARLY_DAEMON_PID";
    static final String PIPE_ENV = "AEGIS_EARLY_DAEMON_PIPE";
    static final String HOME_ENV = "AEGIS_EARLY_DAEMON_HOME";
    static final String INSTANCE_ENV = "AEGIS_EARLY_DAEMON_INSTANCE";
    static final List<String> ENV = List.of(PID_ENV, PIPE_ENV, HOME_ENV, INSTANCE_ENV);

    private final ProcessHandle process;
    private final Path pipe;
    private final Path home;
    private final String instance;

    private EarlyDaemon(ProcessHandle process, Path pipe, Path home, String instance) {
        this.process = process;
        this.pipe = pipe;
        this.home = home;
        this.instance = instance;
    }

    /** The waiting JVM the script announced, if it did and it is still there. */
    static Optional<EarlyDaemon> announced(Map<String, String> env) {
        String pid = env.get(PID_ENV);
        String pipe = env.get(PIPE_ENV);
        String home = env.get(HOME_ENV);
        String instance = env.get(INSTANCE_ENV);
        if (pid == null || pipe == null || home == null || instance == null || instance.isBlank()) {
            return Optional.empty();
        }
        try {
            return ProcessHandle.of(Long.parseLong(pid.strip())).map(p ->
                    new EarlyDaemon(p, Path.of(pipe), Path.of(home).toAbsolutePath().normalize(), instance));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * True when the early JVM was launched exactly as this CLI would launch a daemon now: same home
     * (its output already goes to that home's log folder), same java, JVM options and class path.
     */
    boolean launchedAs(AegisHome aegisHome, List<String> jvmCommand) {
        if (!home.equals(aegisHome.root())) {
            return false;
        }
        try {
            return Files.readString(aegisHome.daemonLaunch(), StandardCharsets.UTF_8).equals(DaemonJvm.launchFile(jvmCommand));
        } catch (IOException e) {
            return false;
        }
    }

    /** The instance id the script gave it: a daemon.json with it is this JVM's. */
    String instance() {
        return instance;
    }

    /** Gives the early JVM the daemon's arguments; false when it is gone or cannot take them. */
    boolean hand(List<String> arguments) {
        if (arguments.stream().anyMatch(a -> a.isEmpty() || a.contains("\n") || a.contains("\r"))) {
            return false; // not expressible one per line: launch a daemon the usual way
        }
        return write(String.join("\n", arguments) + "\n\n");
    }

    /**
     * Tells the JVM it is not needed and waits (up to {@code wait}) until it has gone: it may have
     * started a daemon on the flags it guessed, holding the home's lock until it has stopped.
     */
    void dismiss(Duration wait) {
        write("\n");
        ProcessLiveness.awaitExit(process, wait);
    }

    ProcessHandle process() {
        return process;
    }

    /**
     * Writes to the pipe, which must be one: a name like {@code /dev/fd/3} that does not name the
     * script's pipe in this JVM (the descriptor was not inherited) names one of the JVM's own files,
     * e.g. its runtime's {@code lib/modules}, which a write would destroy.
     */
    private boolean write(String text) {
        if (!ProcessLiveness.running(process)) {
            return false;
        }
        try {
            if (!Files.readAttributes(pipe, BasicFileAttributes.class).isOther()) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        try (OutputStream out = Files.newOutputStream(pipe, StandardOpenOption.WRITE)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
