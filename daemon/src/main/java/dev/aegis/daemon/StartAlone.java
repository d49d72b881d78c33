package dev.aegis.daemon;

import dev.aegis.config.Setting;
import dev.aegis.control.DaemonJvm;
import dev.aegis.control.DaemonState;
import dev.aegis.control.StartMessage;
import dev.aegis.home.AegisHome;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The launcher script's offer to an early-launched daemon (docs/STARTUP.md): finish
 * {@code aegis start} alone, without a CLI JVM. The script passes what the CLI would have built the
 * daemon's launch from (its java, the install's JVM options, its class path, {@code lib/*}) and a
 * pipe to answer on. The daemon answers {@link #STARTED} and the lines {@code aegis start} prints
 * (then {@link #END}) only when it has started on start's own flags, from a home with no
 * {@code daemon.json} left behind, and runs exactly as the CLI would have launched a daemon now;
 * otherwise {@link #ASK_THE_CLI}, and the script runs the CLI, which decides as before.
 */
final class StartAlone {

    static final String REPLY_PROPERTY = "aegis.early.reply";
    static final String JAVA_PROPERTY = "aegis.early.java";
    static final String CLASS_PATH_PROPERTY = "aegis.early.classPath";

    static final String STARTED = "started";
    static final String END = ".";
    static final String ASK_THE_CLI = "cli";

    private final OutputStream reply;
    private final String java;
    private final String classPath;
    private final String installOptions;

    private StartAlone(OutputStream reply, String java, String classPath, String installOptions) {
        this.reply = reply;
        this.java = java;
        this.classPath = classPath;
        this.installOptions = installOptions;
    }

    /**
     * The script's offer, when it made one. Opens the answer's pipe at once: the script holds its
     * reading end open while it waits for the answer (opening a pipe no one reads would block).
     */
    static Optional<StartAlone> offered() {
        String reply = System.getProperty(REPLY_PROPERTY);
        String java = System.getProperty(JAVA_PROPERTY);
        String classPath = System.getProperty(CLASS_PATH_PROPERTY);
        if (reply == null || reply.isBlank() || java == null || classPath == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new StartAlone(new FileOutputStream(reply), java, classPath,
                    System.getProperty(DaemonJvm.INSTALL_OPTIONS, "")));
        } catch (IOException e) {
            return Optional.empty(); // the script, finding no answer, runs the CLI
        }
    }

    /** An offer answered on {@code reply} (the training run's rehearsal: {@link EarlyLaunchRehearsal}). */
    static StartAlone answeringTo(OutputStream reply, String java, String classPath, String installOptions) {
        return new StartAlone(reply, java, classPath, installOptions);
    }

    /**
     * Whether this JVM was launched as the CLI would launch a daemon now: the home's
     * {@code daemon.launch} (which the script replayed) is what {@link DaemonJvm} builds from the
     * script's java, the install's options and {@code AEGIS_DAEMON_OPTS}, and its class path is the
     * one the CLI would run on, jar for jar ({@code lib/*} expanded as the JVM does). After an update
     * the launch no longer fits, and the CLI launches the daemon anew (and records the new launch).
     */
    boolean launchedAsTheCliWould(AegisHome home, Map<String, String> env) {
        try {
            String own = System.getProperty("java.class.path", "");
            if (!new HashSet<>(Arrays.asList(own.split(File.pathSeparator))).equals(expanded(classPath))) {
                return false;
            }
            String expected = DaemonJvm.launchFile(DaemonJvm.command(Path.of(java).toRealPath().toString(),
                    Runtime.version().feature(), installOptions, Setting.AEGIS_DAEMON_OPTS.from(env), own));
            return Files.readString(home.daemonLaunch(), StandardCharsets.UTF_8).equals(expected);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The class path's entries, a {@code dir/*} one as the JVM's launcher expands it: the folder's jars. */
    static Set<String> expanded(String classPath) throws IOException {
        Set<String> entries = new HashSet<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.equals("*") && !entry.endsWith(File.separator + "*")) {
                entries.add(entry);
                continue;
            }
            String dir = entry.substring(0, entry.length() - 1);
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of(dir.isEmpty() ? "." : dir))) {
                for (Path p : jars) {
                    String name = p.getFileName().toString();
                    if (name.endsWith(".jar") || name.endsWith(".JAR")) {
                        entries.add(dir + name);
                    }
                }
            }
        }
        return entries;
    }

    /** Tells the script that this start is done: it prints the lines and exits 0, no CLI needed. */
    boolean started(DaemonState state, AegisHome home) {
        return write(STARTED + "\n" + StartMessage.running(state, home) + END + "\n");
    }

    /** Tells the script to run the CLI, which decides as it always did. */
    void askTheCli() {
        write(ASK_THE_CLI + "\n");
    }

    private boolean write(String text) {
        try (OutputStream out = reply) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (IOException e) {
            return false; // the script has gone: it runs no CLI either, so nothing waits for an answer
        }
    }
}
