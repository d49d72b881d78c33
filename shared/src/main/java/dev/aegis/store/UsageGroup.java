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
    PROVIDER("provider", "provider"),
    /** The coding agent's session (issue 28); like runs, read from the raw rows. */
    SESSION("session_id || ''", null),
    /** The client program ({@code originator}, {@code claude-code}); raw rows. */
    CLIENT("client", null),
    /** The sub-agent within a session; raw rows. */
    AGENT("agent_id", null);

    private final String expression;
    private final String rollupColumn;

    UsageGroup(String expression, String rollupColumn) {
        this.expression = expression;
        this.rollupColumn = rollupColumn;
    }

    /** Whether whole days of a report by this group come from the daily rollup (a series can stack by it). */
    public boolean rolledUp() {
        return rollupColumn != null;
    }

    /** The group's expression over the {@code usage} rows. */
    String expression() {
        return expression;
    }

    /** The group's column in {@code usage_daily}, or null when the rollup cannot serve it. */
    String rollupColumn() {
        return rollupColumn;
    }

    /** The group of calls that have no value for it (no run, no session, ...), as reports name it. */
    public static final String NO_GROUP = "(none)";

    /** The group's name as shown: days as {@code YYYY-MM-DD}. */
    String label(String raw) {
        if (raw == null) {
            return NO_GROUP;
        }
        return this == DAY ? java.time.LocalDate.ofEpochDay(Long.parseLong(raw)).toString() : raw;
    }

    public static Optional<UsageGroup> parse(String name) {
        return Arrays.stream(values()).filter(g -> g.name().equalsIgnoreCase(name)).findFirst();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every group's name, as an error lists them: {@code key, model, ...}. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(UsageGroup::label).toList());
    }
}
