package dev.aegis.config;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the human units the config and flags accept: durations ({@code 250ms}, {@code 30d}) and sizes ({@code 32MB}). */
public final class Units {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(us|µs|ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|k|mb|m|gb|g)?");

    private Units() {}

    /**
     * The longest duration accepted: a hundred years. Longer ones mean nothing here, and added to now they
     * overflowed the clock's arithmetic (an error with a stack's message instead of a usage error).
     */
    public static final Duration MAX_DURATION = Duration.ofDays(36_500);

    /** Parses {@code 250ms}, {@code 5s}, {@code 15m}, {@code 2h}, {@code 30d}; a bare number means seconds. */
    public static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(t.matches("\\d+") ? t + "s" : t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 250ms, 5s, 15m, 2h, 30d)");
        }
        Duration d;
        try {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "us", "µs" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (ArithmeticException | NumberFormatException e) { // more digits than a long holds, or a unit's overflow
            d = null;
        }
        if (d == null || d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("'" + text + "' is longer than the longest duration accepted (36500d)");
        }
        return d;
    }

    /**
     * Parses a point in time: a duration back from {@code now} ({@code 7d}, {@code 12h}), a date
     * ({@code 2026-11-01}, UTC) or an instant ({@code 2026-11-01T10:00:00Z}).
     *
     * @param endOfDay a bare date means the end of that day (for "until"), otherwise its start
     */
    public static Instant instant(String text, Instant now, boolean endOfDay) {
        String t = text.strip();
        try {
            if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
                LocalDate d = LocalDate.parse(t);
                return (endOfDay ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (t.contains("T")) {
                return Instant.parse(t);
            }
            return now.minus(duration(t));
        } catch (DateTimeException | IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a time: use a duration back from now (7d, 12h),"
                    + " a date (2026-11-01) or an instant (2026-11-01T10:00:00Z)");
        }
    }

    /** Parses {@code 32MB}, {@code 512KB}, {@code 1GB} (binary multiples) or a plain byte count. */
    public static long bytes(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (use e.g. 512KB, 32MB)");
        }
        String unit = m.group(2) == null ? "b" : m.group(2);
        try {
            long n = Long.parseLong(m.group(1));
            return switch (unit) {
                case "kb", "k" -> Math.multiplyExact(n, 1024L);
                case "mb", "m" -> Math.multiplyExact(n, 1024L * 1024);
                case "gb", "g" -> Math.multiplyExact(n, 1024L * 1024 * 1024);
                default -> n;
            };
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is larger than any size accepted");
        }
    }
}
