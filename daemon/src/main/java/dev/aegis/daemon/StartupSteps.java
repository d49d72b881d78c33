package dev.aegis.daemon;

import dev.aegis.control.DaemonProcess;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * How long each step of a daemon's start took, for the "listening" log line: what a user (or
 * {@code scripts/startup-times.sh}) reads to see where a slow start went. The first figure is the
 * JVM's own start, from the CLI's launch to {@code main}, when the CLI launched it.
 */
final class StartupSteps {

    private final StringJoiner parts = new StringJoiner(", ");
    private final StringJoiner sideBySide = new StringJoiner(", ", " (alongside: ", ")").setEmptyValue("");
    private long totalMillis;
    private long last = System.nanoTime();

    private StartupSteps(long jvmMillis) {
        if (jvmMillis >= 0) {
            parts.add("jvm " + jvmMillis);
            totalMillis = jvmMillis;
        }
    }

    /**
     * Starts timing now. The JVM's share (launch to here) is known when the CLI said when it
     * launched this process ({@link DaemonProcess#LAUNCHED_AT_PROPERTY}); the process start time
     * the OS gives is too coarse for it (whole seconds on Linux).
     */
    static StartupSteps begin() {
        long jvm = -1;
        String launched = System.getProperty(DaemonProcess.LAUNCHED_AT_PROPERTY);
        if (launched != null) {
            try {
                jvm = Math.max(0, System.currentTimeMillis() - Long.parseLong(launched));
            } catch (NumberFormatException e) {
                // not ours to judge: leave the JVM's share out
            }
        }
        return new StartupSteps(jvm);
    }

    /** Ends the step named {@code name}, which began when the one before it ended. */
    void done(String name) {
        long now = System.nanoTime();
        long millis = (now - last) / 1_000_000;
        parts.add(name + " " + millis);
        totalMillis += millis;
        last = now;
    }

    /** Runs a step on the calling thread, beside the steps of {@link #done}; its time is listed apart. */
    <T> T alongside(String name, Supplier<T> step) {
        long start = System.nanoTime();
        T result = step.get();
        long millis = (System.nanoTime() - start) / 1_000_000;
        synchronized (sideBySide) {
            sideBySide.add(name + " " + millis);
        }
        return result;
    }

    /** E.g. {@code "412 ms: jvm 180, config 12, store 61, server wait 0 (alongside: jetty 95)"}. */
    String summary() {
        synchronized (sideBySide) {
            return totalMillis + " ms: " + parts + sideBySide;
        }
    }
}
