package dev.aegis.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** A process's CPU time, and its resident memory from Linux's {@code /proc/PID/status} (empty elsewhere). */
public final class ProcessStats {

    private ProcessStats() {}

    /** CPU time the process has used so far (user and system), in nanoseconds; 0 when unknown. */
    public static long cpuNanos(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(java.time.Duration::toNanos).orElse(0L);
    }

    /** {@code VmRSS}: resident now, in bytes. */
    public static OptionalLong resident(long pid) {
        return field(pid, "VmRSS:");
    }

    /** {@code VmHWM}: the highest resident size so far, in bytes. */
    public static OptionalLong peak(long pid) {
        return field(pid, "VmHWM:");
    }

    private static OptionalLong field(long pid, String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(name)) {
                    String kb = line.substring(name.length()).replace("kB", "").trim();
                    return OptionalLong.of(Long.parseLong(kb) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return OptionalLong.empty();
    }
}
