package dev.aegis.daemon;

import dev.aegis.records.LogOutput;
import dev.aegis.config.ConfigOverrides;
import dev.aegis.config.Setting;
import dev.aegis.control.DaemonProcess;
import dev.aegis.home.AegisHome;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Entry point of the daemon process, started by {@code aegis start} (or by the launcher script
 * beside it, then reading its arguments from standard input: {@link EarlyArguments}). Prints one
 * line and exits 1 when it cannot start; the CLI shows that line with the log's tail.
 */
public final class DaemonMain {

    private DaemonMain() {}

    public static void main(String[] args) {
        StartupSteps steps = StartupSteps.begin();
        StartupWarmUp warmUp = StartupWarmUp.begin();
        Map<String, String> env = System.getenv();
        Daemon daemon;
        if (args.length > 0 && args[0].equals(DaemonProcess.ARGUMENTS_FROM_STDIN)) {
            Optional<Daemon> early = EarlyLaunch.start(Arrays.copyOfRange(args, 1, args.length), env, steps, warmUp);
            if (early.isEmpty()) {
                System.exit(0); // not needed after all: the CLI found a daemon running, or ended
                return;
            }
            daemon = early.get();
        } else {
            daemon = start(parseOrExit(args, env), steps, warmUp);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> daemon.stop(Duration.ofSeconds(10)), "aegis-sigterm"));
        daemon.awaitStopped();
        System.exit(0);
    }

    /** The options, or (after printing why, for the CLI to show) exit 2. */
    static DaemonOptions parseOrExit(String[] args, Map<String, String> env) {
        try {
            return parse(args, env);
        } catch (IllegalArgumentException e) {
            System.err.println(DaemonProcess.FAILURE_PREFIX + e.getMessage());
            System.exit(2);
            throw e;
        }
    }

    /** A running daemon, or (after printing why, for the CLI to show) exit 1. */
    static Daemon start(DaemonOptions options, StartupSteps steps, StartupWarmUp warmUp) {
        try {
            return tryStart(options, steps, warmUp, true);
        } catch (IOException e) {
            System.err.println(DaemonProcess.FAILURE_PREFIX + "cannot use the home folder: " + e.getMessage());
            System.exit(1);
            throw new IllegalStateException(e);
        } catch (StartupException e) {
            throw failAndExit(e);
        }
    }

    /** Prints why the start failed, for the CLI to show, logs it, and exits 1. */
    static IllegalStateException failAndExit(StartupException e) {
        System.err.println(DaemonProcess.FAILURE_PREFIX + e.getMessage());
        org.slf4j.LoggerFactory.getLogger(DaemonMain.class).error("start failed: {}", e.getMessage());
        System.exit(1);
        return new IllegalStateException(e);
    }

    /**
     * Prepares the home folder and the log, then starts; says nothing itself when that fails.
     *
     * @param publish whether to write {@code daemon.json} at once ({@link Daemon#publish()})
     */
    static Daemon tryStart(DaemonOptions options, StartupSteps steps, StartupWarmUp warmUp, boolean publish)
            throws IOException, StartupException {
        options.home().ensureCreated();
        configureLogging(options);
        return Daemon.start(options, steps, warmUp, publish);
    }

    static DaemonOptions parse(String[] args, Map<String, String> env) {
        String home = null;
        String config = null;
        String host = null;
        Integer port = null;
        String instance = null;
        boolean foreground = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--home" -> home = value(args, ++i, a);
                case "--config" -> config = value(args, ++i, a);
                case "--host" -> host = value(args, ++i, a);
                case "--port" -> port = port(value(args, ++i, a));
                case "--instance" -> instance = value(args, ++i, a);
                case "--foreground" -> foreground = true;
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        AegisHome aegisHome = AegisHome.resolve(home, env);
        boolean explicit = config != null || Setting.AEGIS_CONFIG.from(env) != null;
        Path configFile = (config != null ? AegisHome.expandTilde(config)
                : Setting.AEGIS_CONFIG.from(env) != null ? AegisHome.expandTilde(Setting.AEGIS_CONFIG.from(env))
                : aegisHome.configFile()).toAbsolutePath().normalize();
        return new DaemonOptions(aegisHome, configFile, explicit, new ConfigOverrides(host, port),
                instance != null ? instance : UUID.randomUUID().toString(), foreground, env);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int port(String text) {
        try {
            int p = Integer.parseInt(text);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("--port must be a number from 0 to 65535, not '" + text + "'");
    }

    private static boolean loggingConfigured;

    /** slf4j-simple reads these once, at its first use: set them before any logger exists. */
    private static void configureLogging(DaemonOptions options) throws IOException {
        if (loggingConfigured) {
            return; // a second start in this process (early launch): the log is already this home's
        }
        loggingConfigured = true;
        if (options.foreground()) {
            System.setErr(LogOutput.install(new FileOutputStream(FileDescriptor.err)));
            System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        } else {
            // slf4j-simple opens a named log file anew, cutting it: every start lost the last run's
            // lines, and a start while a daemon ran (the launcher's early daemon) cut the running
            // daemon's log under it (NUL bytes where it wrote next). So the log is opened here, to
            // append, as the daemon's standard output, which it writes nothing else to.
            System.setOut(LogOutput.install(new RotatingLogFile(options.home().daemonLog())));
            System.setProperty("org.slf4j.simpleLogger.logFile", "System.out");
        }
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.io.javalin", "warn");
    }
}
