package dev.aegis.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a usage report groups by, and the column expression for it. */
public enum UsageGroup {
    KEY("key_id"),
    MODEL("model"),
    /** Grouped by the UTC epoch day as an integer (strftime per row is several times slower). */
    DAY("(ts_ms / 86400000)"),
    TENANT("tenant"),
    RUN("run_id"),
    PROVIDER("provider");

    private final String expression;

    UsageGroup(String expression) {
        this.expression = expression;
    }

    String expression() {
        return expression;
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
