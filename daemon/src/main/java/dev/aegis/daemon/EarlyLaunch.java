package dev.aegis.daemon;

import dev.aegis.config.Setting;
import dev.aegis.config.Units;
import dev.aegis.home.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Set;
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
        Optional<StartAlone> alone = StartAlone.offered();
        DaemonOptions guessed = null;
        Daemon speculative = null;
        try {
            guessed = DaemonMain.parse(guessedArgs, env);
            if (alone.isPresent() && !mayFinishAlone(alone.get(), guessedArgs, guessed, env)) {
                alone.get().askTheCli(); // at once: the CLI's JVM then starts beside this start, as before
                alone = Optional.empty();
            }
            speculative = DaemonMain.tryStart(guessed, steps, warmUp, false);
            // It serves already (on the default port, an agent may find it): SIGTERM stops it gracefully too.
            Runtime.getRuntime().addShutdownHook(sigtermHook(speculative));
        } catch (IllegalArgumentException | IOException | StartupException e) {
            // decided by the CLI's arguments below
        }
        if (alone.isPresent()) {
            if (speculative != null && finishAlone(alone.get(), guessed, speculative)) {
                return Optional.of(speculative);
            }
            alone.get().askTheCli();
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

    /** The shutdown hook of a daemon started early: SIGTERM stops it gracefully. */
    static Thread sigtermHook(Daemon started) {
        return new Thread(() -> started.stop(STOP_WAIT), "aegis-sigterm-early");
    }

    /**
     * Whether nothing the CLI would say or decide can differ from this start: start's flags are only
     * ones this daemon reads exactly as the CLI does, no {@code daemon.json} is left behind (the CLI
     * would report removing it), the start timeout is one the CLI accepts, and this JVM runs as the
     * CLI would launch it.
     */
    static boolean mayFinishAlone(StartAlone alone, String[] guessedArgs, DaemonOptions guessed,
            Map<String, String> env) {
        return readsLikeTheCli(guessedArgs) && !Files.exists(guessed.home().daemonState()) && startTimeoutValid(env)
                && alone.launchedAsTheCliWould(guessed.home(), env);
    }

    /** Finishes {@code aegis start} without the CLI ({@link StartAlone}): publishes, and says so to the script. */
    private static boolean finishAlone(StartAlone alone, DaemonOptions guessed, Daemon started) {
        if (Files.exists(guessed.home().daemonState())) {
            return false; // written meanwhile: the CLI tells what it is
        }
        try {
            started.publish();
        } catch (StartupException e) {
            return false; // the CLI's start publishes again, and reports it if it fails
        }
        try {
            SecureFiles.ensurePrivateFile(guessed.home().daemonOut()); // as the CLI does before a launch
        } catch (IOException e) {
            // the script created it; its mode is the only thing left as it was
        }
        LoggerFactory.getLogger(EarlyLaunch.class).info(
                "started early, by the launcher script alone (no CLI JVM), on the flags it passed");
        alone.started(started.state(), guessed.home());
        return true;
    }

    /**
     * {@code --port N}, {@code --host H}, {@code --config F}, each once, with values picocli reads
     * as values (not options) and that need no tilde expansion (beside the script's
     * {@code --instance}): anything else is the CLI's to judge.
     */
    static boolean readsLikeTheCli(String[] args) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < args.length; i += 2) {
            String flag = args[i];
            if (flag.equals("--instance") && i + 1 < args.length) {
                continue; // the script's own, not start's
            }
            if (!OWN_FLAGS.contains(flag) || !seen.add(flag) || i + 1 >= args.length) {
                return false;
            }
            String value = args[i + 1];
            if (value.isEmpty() || value.startsWith("-") || value.startsWith("~")) {
                return false;
            }
        }
        return true;
    }

    private static final Set<String> OWN_FLAGS = Set.of("--port", "--host", "--config");

    private static boolean startTimeoutValid(Map<String, String> env) {
        String timeout = Setting.AEGIS_START_TIMEOUT.from(env);
        if (timeout == null) {
            return true;
        }
        try {
            Units.duration(timeout);
            return true;
        } catch (IllegalArgumentException e) {
            return false; // the CLI says what is wrong with it
        }
    }

    private static void stop(Daemon speculative) {
        if (speculative != null) {
            speculative.stop(STOP_WAIT);
        }
    }
}
