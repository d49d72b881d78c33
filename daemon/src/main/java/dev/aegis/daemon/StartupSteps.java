package dev.aegis.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * How long each step of a daemon's start took, for the "listening" log line: what a user (or
 * {@code scripts/startup-times.sh}) reads to see where a slow start went. The first figure is the
 * JVM's own start, from the process's start time to {@code main}.
 */
final class StartupSteps {

    private final List<String> names = new ArrayList<>();
    private final List<Long> millis = new ArrayList<>();
    private final long jvmMillis;
    private long last;

    private StartupSteps(long jvmMillis) {
        this.jvmMillis = jvmMillis;
        this.last = System.nanoTime();
    }

    /** Starts timing now; the JVM's share is read from the process's start time when the OS gives it. */
    static StartupSteps begin() {
        long jvm = ProcessHandle.current().info().startInstant()
                .map(start -> Math.max(0, Duration.between(start, Instant.now()).toMillis())).orElse(-1L);
        return new StartupSteps(jvm);
    }

    /** Ends the step named {@code name}, which began when the one before it ended. */
    void done(String name) {
        long now = System.nanoTime();
        names.add(name);
        millis.add((now - last) / 1_000_000);
        last = now;
    }

    /** E.g. {@code "412 ms: jvm 180, config 12, store 61, server 140"}. */
    String summary() {
        long total = Math.max(jvmMillis, 0);
        StringJoiner parts = new StringJoiner(", ");
        if (jvmMillis >= 0) {
            parts.add("jvm " + jvmMillis);
        }
        for (int i = 0; i < names.size(); i++) {
            total += millis.get(i);
            parts.add(names.get(i) + " " + millis.get(i));
        }
        return total + " ms: " + parts;
    }
}
