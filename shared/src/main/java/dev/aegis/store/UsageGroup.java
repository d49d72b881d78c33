package dev.aegis.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a usage report groups by, and the column expression for it. */
public enum UsageGroup {
    KEY("key_id", "key_id"),
    MODEL("model", "model"),
    /** Grouped by the UTC epoch day as an integer (strftime per row is several times slower). */
    DAY(UsageRollup.DAY_SQL, "day"),
    TENANT("tenant", "tenant"),
    /**
     * Runs are not in the daily rollup: a report by run reads the raw rows. Grouped by an expression
     * ({@code || ''} keeps NULL as NULL in SQLite and PostgreSQL), not the bare column: with the
     * column SQLite walks the whole {@code usage_run} index to skip a sort, even for the last day
     * of a long history (2 s instead of 2 ms on a million rows); with it, it reads the time range.
     */
    RUN("run_id || ''", null),
    PROVIDER("provider", "provider");

    private final String expression;
    private final String rollupColumn;

    UsageGroup(String expression, String rollupColumn) {
        this.expression = expression;
        this.rollupColumn = rollupColumn;
    }

    /** The group's expression over the {@code usage} rows. */
    String expression() {
        return expression;
    }

    /** The group's column in {@code usage_daily}, or null when the rollup cannot serve it. */
    String rollupColumn() {
        return rollupColumn;
    }

    /** The group's name as shown: days as {@code YYYY-MM-DD}. */
    String label(String raw) {
        if (raw == null) {
            return "(none)";
        }
        return this == DAY ? java.time.LocalDate.ofEpochDay(Long.parseLong(raw)).toString() : raw;
    }

    public static Optional<UsageGroup> parse(String name) {
        return Arrays.stream(values()).filter(g -> g.name().equalsIgnoreCase(name)).findFirst();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
