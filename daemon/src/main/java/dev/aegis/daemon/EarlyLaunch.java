package dev.aegis.daemon;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * A daemon whose JVM the launcher script started beside the CLI's for {@code aegis start} (early
 * launch, docs/STARTUP.md). The script passes it an instance id and {@code aegis start}'s own flags;
 * when those are flags the daemon reads the same way ({@code --port N}, {@code --host H},
 * {@code --config F}), it starts on them at once, while the CLI is still deciding. The CLI then
 * writes the arguments it would have launched a daemon with ({@link EarlyArguments}): the same
 * start keeps running and only then publishes its {@code daemon.json} (the CLI waits for that); a
 * different one is stopped and the CLI's is started; none (the CLI ended, or
 * found a daemon already running) stops it. A start that fails on the guessed flags stays silent
 * and is made again on the CLI's arguments, which then report the failure the usual way.
 */
final class EarlyLaunch {

    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private EarlyLaunch() {}

    /** The daemon this process should run, or empty when it is not needed. */
    static Optional<Daemon> start(String[] guessedArgs, Map<String, String> env, StartupSteps steps,
            StartupWarmUp warmUp) {
        DaemonOptions guessed = null;
        Daemon speculative = null;
        try {
            guessed = DaemonMain.parse(guessedArgs, env);
            speculative = DaemonMain.tryStart(guessed, steps, warmUp, false);
            // It serves already (on the default port, an agent may find it): SIGTERM stops it gracefully too.
            Daemon started = speculative;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> started.stop(STOP_WAIT), "aegis-sigterm-early"));
        } catch (IllegalArgumentException | IOException | StartupException e) {
            // decided by the CLI's arguments below
        }
        String[] args;
        try {
            args = EarlyArguments.read(System.in);
        } catch (IOException e) {
            args = new String[0];
        }
        if (args.length == 0) {
            stop(speculative);
            return Optional.empty();
        }
        DaemonOptions options = DaemonMain.parseOrExit(args, env);
        if (speculative != null && options.equals(guessed)) {
            try {
                speculative.publish();
                LoggerFactory.getLogger(EarlyLaunch.class).info(
                        "started early, beside the CLI, on the flags the launcher script passed; the CLI confirmed them");
                return Optional.of(speculative);
            } catch (StartupException e) {
                speculative.stop(STOP_WAIT);
                throw DaemonMain.failAndExit(e);
            }
        }
        if (guessed == null) {
            steps.done("waiting for the CLI"); // nothing tried yet: the wait is part of this start
        } else {
            stop(speculative);
            steps = StartupSteps.begin();
        }
        return Optional.of(DaemonMain.start(options, steps, warmUp));
    }

    private static void stop(Daemon speculative) {
        if (speculative != null) {
            speculative.stop(STOP_WAIT);
        }
    }
}
