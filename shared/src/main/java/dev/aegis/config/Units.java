package dev.aegis.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the human units the config and flags accept: durations ({@code 250ms}, {@code 30d}) and sizes ({@code 32MB}). */
public final class Units {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|k|mb|m|gb|g)?");

    private Units() {}

    /** Parses {@code 250ms}, {@code 5s}, {@code 15m}, {@code 2h}, {@code 30d}; a bare number means seconds. */
    public static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 250ms, 5s, 15m, 2h, 30d)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** Parses {@code 32MB}, {@code 512KB}, {@code 1GB} (binary multiples) or a plain byte count. */
    public static long bytes(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (use e.g. 512KB, 32MB)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        return switch (unit) {
            case "kb", "k" -> n * 1024;
            case "mb", "m" -> n * 1024 * 1024;
            case "gb", "g" -> n * 1024 * 1024 * 1024;
            default -> n;
        };
    }
}
