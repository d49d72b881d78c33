package dev.aegis.cli.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Whether a process still runs. {@link ProcessHandle#isAlive} also says yes for a process that has
 * exited but that its parent has not reaped yet (a zombie): the daemon, whose parent is whatever
 * adopted it after the launcher left (init, a container's first process), stays one until that
 * process gets round to it, seconds on some systems, never under a container's first process that
 * reaps nothing. A zombie holds no port, lock or file: for Aegis it has stopped, once its last
 * thread has gone.
 */
public final class ProcessLiveness {

    /** How often a wait looks again (not {@code onExit()}, which waits for the reaping too). */
    private static final Duration POLL = Duration.ofMillis(20);

    private ProcessLiveness() {}

    /** True while the process runs: alive and, where Linux's {@code /proc} tells, not exited. */
    public static boolean running(ProcessHandle process) {
        return process.isAlive() && !exited(Path.of("/proc", Long.toString(process.pid()), "status"));
    }

    /** Waits up to {@code limit} for the process to stop running; whether it has. */
    public static boolean awaitExit(ProcessHandle process, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (running(process)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            DaemonLauncher.sleep(POLL);
        }
        return true;
    }

    /**
     * Whether {@code /proc/PID/status} says the whole process has exited: its state {@code Z}
     * (zombie) or {@code X} (dead) and no thread but the first left. The first thread of a process
     * killed with many shows {@code Z} as soon as it has gone itself, while the others are still
     * being torn down and the process still holds its files, locks and ports. False when the file
     * cannot be read (not Linux, or gone: then {@link ProcessHandle#isAlive} is false already).
     */
    static boolean exited(Path status) {
        String text;
        try {
            text = Files.readString(status, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return false;
        }
        String state = field(text, "State:");
        String threads = field(text, "Threads:");
        if (state.isEmpty() || threads.isEmpty()) {
            return false;
        }
        char s = state.charAt(0);
        return (s == 'Z' || s == 'X') && threads.equals("1");
    }

    /** The value of one {@code Name:\tvalue} line, trimmed; empty when absent. */
    private static String field(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name)) {
                return line.substring(name.length()).strip();
            }
        }
        return "";
    }
}
