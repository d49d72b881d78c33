package dev.aegis.cli.doctor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The environment a running daemon was started with, which is where it read its provider keys
 * (not the shell {@code aegis doctor} runs in): Linux's {@code /proc/PID/environ}, readable by the
 * daemon's own user. Empty where there is none (another system, another user). Only whether a
 * variable is set is ever looked at; no value is printed.
 */
final class DaemonEnvironment {

    private DaemonEnvironment() {}

    static Optional<Map<String, String>> of(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            Map<String, String> env = new HashMap<>();
            for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    env.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
            return Optional.of(env);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}
