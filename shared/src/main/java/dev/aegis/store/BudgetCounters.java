package dev.aegis.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Token budgets shared by the daemons of one store (team mode, docs/TEAM.md): the tokens spent
 * per named counter (a run, a key, a tenant's minute or day), read when a call is admitted and added
 * to by each daemon's background writer. Additions are relative, so daemons adding at once add up.
 */
public final class BudgetCounters {

    /**
     * What one daemon adds to a counter.
     *
     * @param seed the counter's value when it does not exist yet (the tokens the adding daemon
     *     already counts for it, from the usage recorded when it started, this addition included)
     * @param expiresMs when the counter may be forgotten (its window over, or a run idle)
     */
    public record Addition(long tokens, long seed, long expiresMs) {}

    private final Database db;

    public BudgetCounters(Database db) {
        this.db = db;
    }

    /** The counters that exist among these names, with their values. */
    public Map<String, Long> used(Collection<String> names) {
        if (names.isEmpty()) {
            return Map.of();
        }
        return db.read(c -> {
            Map<String, Long> used = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name, used FROM budget_counters WHERE name IN ("
                    + "?, ".repeat(names.size() - 1) + "?)")) {
                int i = 1;
                for (String name : names) {
                    ps.setString(i++, name);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        used.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            return used;
        });
    }

    /** Adds to counters in one transaction, creating those that do not exist. */
    public void add(Map<String, Addition> additions) {
        if (additions.isEmpty()) {
            return;
        }
        db.write(c -> {
            // Rows are locked in name order, so two daemons adding to the same counters never deadlock.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO budget_counters (name, used, expires_ms) "
                    + "VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET used = budget_counters.used + ?, "
                    + "expires_ms = excluded.expires_ms")) {
                for (Map.Entry<String, Addition> e : new TreeMap<>(additions).entrySet()) {
                    ps.setString(1, e.getKey());
                    ps.setLong(2, e.getValue().seed());
                    ps.setLong(3, e.getValue().expiresMs());
                    ps.setLong(4, e.getValue().tokens());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Forgets counters whose window is over; how many. */
    public int prune(long nowMs) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM budget_counters WHERE expires_ms < ?")) {
                ps.setLong(1, nowMs);
                return ps.executeUpdate();
            }
        });
    }
}
