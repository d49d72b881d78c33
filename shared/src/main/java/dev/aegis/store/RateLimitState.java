package dev.aegis.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rate limits shared by the daemons of one PostgreSQL store (team mode, docs/TEAM.md): each
 * key's and rule's GCRA theoretical arrival time (TAT), in nanoseconds of the database's clock, so
 * daemons on machines whose clocks differ still share one timeline. A call is admitted by one
 * statement that locks each of its request rules' rows, checks every rule and moves the TATs only
 * when all admit: two daemons cannot both take the last place of a burst.
 */
public final class RateLimitState {

    /** The database's clock, constant within a statement. */
    private static final String NOW_NS = "(extract(epoch from statement_timestamp()) * 1000000000)::bigint";
    /** How far ahead of now a TAT is kept (2^58 ns, about 9 years): a key that far over is refused all the same. */
    private static final long MAX_AHEAD_NS = 1L << 58;

    /**
     * One rule's step for a call.
     *
     * @param rule the rule's name
     * @param incrementNs what one place adds to the TAT (0 for a token rule, checked only)
     * @param windowNs how far ahead of now the TAT may be once added to
     * @param want how many places a request rule takes if its window has room (a daemon's lease: docs/TEAM.md)
     * @param min how many it must grant for the call to be admitted (0 when the daemon still holds one)
     */
    public record Step(String rule, long incrementNs, long windowNs, int want, int min) {

        /** One place for a request rule (all or nothing), a check for a token rule. */
        public Step(String rule, long incrementNs, long windowNs) {
            this(rule, incrementNs, windowNs, incrementNs > 0 ? 1 : 0, incrementNs > 0 ? 1 : 0);
        }
    }

    /**
     * What the store answered.
     *
     * @param nowNs the database's clock
     * @param tatNs each rule's TAT before this call (now when it had none, or an old one)
     * @param granted the places each request rule granted (all 0 when refused)
     */
    public record Outcome(boolean admitted, long nowNs, Map<String, Long> tatNs, Map<String, Integer> granted) {}

    private final Database db;

    public RateLimitState(Database db) {
        this.db = db;
    }

    /**
     * Takes every step, or none when one rule refuses: one statement, one round trip however many
     * rules ({@code aegis_rate_limit_lease}, migrations/postgresql/V16). A request rule grants up to
     * its step's {@code want} places, as many as its window has room for, and refuses the call when that
     * is below its {@code min}. A request rule's row is locked
     * only within that statement, so calls of one key queue on the database, not on a round trip to a
     * daemon; a token rule (increment 0) is only read.
     */
    public Outcome admit(String keyId, List<Step> steps) {
        List<Step> ordered = ordered(steps);
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT admitted, now_ns, tat_ns, granted FROM aegis_rate_limit_lease(?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, keyId);
                ps.setArray(2, c.createArrayOf("text", ordered.stream().map(Step::rule).toArray()));
                ps.setArray(3, c.createArrayOf("bigint", ordered.stream().map(Step::incrementNs).toArray()));
                ps.setArray(4, c.createArrayOf("bigint", ordered.stream().map(Step::windowNs).toArray()));
                ps.setArray(5, c.createArrayOf("integer", ordered.stream().map(Step::want).toArray()));
                ps.setArray(6, c.createArrayOf("integer", ordered.stream().map(Step::min).toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    Long[] tat = (Long[]) rs.getArray(3).getArray();
                    Integer[] granted = (Integer[]) rs.getArray(4).getArray();
                    Map<String, Long> before = new HashMap<>();
                    Map<String, Integer> places = new HashMap<>();
                    for (int i = 0; i < ordered.size(); i++) {
                        before.put(ordered.get(i).rule(), tat[i]);
                        places.put(ordered.get(i).rule(), granted[i]);
                    }
                    return new Outcome(rs.getBoolean(1), rs.getLong(2), before, places);
                }
            }
        });
    }

    /** Each rule's TAT now, taking nothing (the dashboard's bars). */
    public Outcome current(String keyId, List<Step> steps) {
        return db.read(c -> read(c, keyId, steps));
    }

    /**
     * Adds to TATs unconditionally, in one transaction: a call's estimated tokens as it is admitted and
     * the correction to its real tokens when it ends (negative when it used less), or (negative) the
     * places of a lease handed back unused.
     */
    public void add(Map<String, Map<String, Long>> incrementNsByKeyAndRule) {
        if (incrementNsByKeyAndRule.isEmpty()) {
            return;
        }
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO rate_limit_state (key_id, rule, tat_ns) VALUES (?, ?, "
                    + NOW_NS + " + ?) ON CONFLICT (key_id, rule) DO UPDATE SET tat_ns = LEAST(GREATEST(rate_limit_state.tat_ns, "
                    + NOW_NS + ") + ?, " + NOW_NS + " + " + MAX_AHEAD_NS + ")")) {
                for (Map.Entry<String, Map<String, Long>> key : new TreeMap<>(incrementNsByKeyAndRule).entrySet()) {
                    for (Map.Entry<String, Long> rule : new TreeMap<>(key.getValue()).entrySet()) {
                        ps.setString(1, key.getKey());
                        ps.setString(2, rule.getKey());
                        ps.setLong(3, rule.getValue());
                        ps.setLong(4, rule.getValue());
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Forgets TATs already past: a rule without one is at its full burst, as it is with one in the past. */
    public int prune() {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM rate_limit_state WHERE tat_ns < " + NOW_NS)) {
                return ps.executeUpdate();
            }
        });
    }

    private static Outcome read(Connection c, String keyId, List<Step> steps) throws SQLException {
        Map<String, Long> tat = new HashMap<>();
        long now;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + NOW_NS)) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                now = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT rule, tat_ns FROM rate_limit_state WHERE key_id = ?")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tat.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        Map<String, Long> before = new HashMap<>();
        for (Step step : steps) {
            before.put(step.rule(), Math.max(tat.getOrDefault(step.rule(), now), now));
        }
        return new Outcome(false, now, before, Map.of());
    }

    /** Rules in name order: daemons lock a key's rows in the same order, so they never deadlock. */
    private static List<Step> ordered(List<Step> steps) {
        return steps.stream().sorted(java.util.Comparator.comparing(Step::rule)).toList();
    }
}
