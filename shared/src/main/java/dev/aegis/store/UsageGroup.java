package dev.aegis.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a usage report groups by, and the column expression for it. */
public enum UsageGroup {
    KEY("key_id"),
    MODEL("model"),
    DAY("strftime('%Y-%m-%d', ts_ms / 1000, 'unixepoch')"),
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

    public static Optional<UsageGroup> parse(String name) {
        return Arrays.stream(values()).filter(g -> g.name().equalsIgnoreCase(name)).findFirst();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
