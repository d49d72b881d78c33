package dev.aegis.admission;

import com.github.benmanes.caffeine.cache.Cache;
import dev.aegis.cache.CallPathCaches;
import dev.aegis.config.RateLimitRule;
import dev.aegis.store.RateLimitState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * Rate limits kept in the shared PostgreSQL store (team mode, docs/TEAM.md): the same GCRA as
 * {@link RateLimiter}, with each key's and rule's state in the store and the database's clock, so the
 * daemons sharing a key share its limit. To keep most calls off the database, a daemon takes a
 * request rule's places a few at a time ({@link #leaseSize}: a lease) in one statement
 * ({@link RateLimitState#admit}) and admits its next calls from them; a token rule's state, read in
 * that statement, answers the checks of the next {@link #READ_AGE}. A lease unused for
 * {@link #LEASE_IDLE}, and every lease at a stop, is handed back. A call's estimated tokens, held as it
 * is admitted ({@link #holdTokens}), and the correction to its real tokens when it ends are added in
 * the background, and at once to what this daemon's next checks read.
 */
public final class SharedRateLimiter implements KeyRateLimits, AutoCloseable {

    private static final Duration PRUNE_EVERY = Duration.ofMinutes(10);
    /** A request rule leases at most 1/LEASE_FRACTION of its limit per daemon (none below that many requests). */
    static final int LEASE_FRACTION = 50;
    /** ... and at most this many places. */
    static final int MAX_LEASE = 100;
    /** How long a token rule's state read from the store answers checks (as {@link SharedBudgets#READ_AGE}). */
    static final Duration READ_AGE = SharedBudgets.READ_AGE;
    /** A lease no call has taken from for this long goes back to the store. */
    static final Duration LEASE_IDLE = Duration.ofSeconds(1);

    /** A key's rule, as the background writer sums token charges and leases handed back. */
    private record KeyRule(String keyId, String rule) {}

    /** What this daemon knows of one of a key's rules. */
    private static final class Known {
        /** The store's TAT as last seen, moved by this daemon's grants and (token rules) its own calls' tokens since. */
        long tatNs;
        /** Places leased and not used yet (request rules). */
        int held;
        /** When the statement that read the store's TAT was sent (local nanoTime). */
        long readAt;
        /** What one place or token adds to the TAT. */
        long incrementNs;
        /** What this daemon's calls in flight hold of a token rule's TAT (other daemons' holds count as spent here). */
        long heldNs;
    }

    /** A key's leases and last known state; calls of the key take from it one at a time. */
    private static final class KeyLease {
        final ReentrantLock lock = new ReentrantLock();
        final Map<String, Known> rules = new HashMap<>();
        /** The database's clock minus the local nanoTime, as of the last statement. */
        long clockOffsetNs;
        /** When a call last took a place (local nanoTime). */
        long usedAt;
    }

    private final RateLimitState state;
    private final DeltaWriter<KeyRule> writer;
    private final Cache<String, KeyLease> leases =
            CallPathCaches.builder().expireAfterAccess(Duration.ofHours(2)).maximumSize(100_000).build();
    private final ScheduledExecutorService idleLeases = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("aegis-rate-limit-leases").daemon(true).unstarted(r));

    /** @param writeDelays told each background write's delay (docs/TEAM.md's bound counts it) */
    public SharedRateLimiter(RateLimitState state, LongConsumer writeDelays) {
        this.state = state;
        this.writer = new DeltaWriter<>("token rate limits", this::write, state::prune, PRUNE_EVERY, writeDelays);
        long every = LEASE_IDLE.toMillis() / 2;
        idleLeases.scheduleWithFixedDelay(() -> handBack(LEASE_IDLE.toNanos()), every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * The places a daemon leases of a request rule beyond the one a call takes: 1/{@link #LEASE_FRACTION}
     * of the limit, at most {@link #MAX_LEASE}; none for a limit under {@link #LEASE_FRACTION} requests
     * (every call then takes its place in the store, and the limit holds exactly). docs/TEAM.md's bound
     * counts it once per daemon.
     */
    static int leaseSize(RateLimitRule rule) {
        return rule.tokens() > 0 ? 0 : (int) Math.min(MAX_LEASE, rule.requests() / LEASE_FRACTION);
    }

    @Override
    public RateLimiter.Verdict acquire(String keyId, List<RateLimitRule> given) {
        if (given.isEmpty()) {
            return null;
        }
        // The same rule twice (a key's --rpm and a configured rule alike) is one state, as in memory.
        List<RateLimitRule> rules = given.stream().distinct().toList();
        KeyLease lease = leases.get(keyId, k -> new KeyLease());
        lease.lock.lock();
        try {
            long local = System.nanoTime();
            RateLimitState.Outcome refused = null;
            if (!covered(lease, rules, local)) {
                RateLimitState.Outcome outcome = fetch(keyId, lease, rules);
                local = System.nanoTime();
                if (!outcome.admitted()) {
                    refused = outcome;
                }
            }
            long now = local + lease.clockOffsetNs;
            Map<RateLimitRule, Long> current = new HashMap<>();
            for (RateLimitRule rule : rules) {
                Known known = lease.rules.get(name(rule));
                // Places this daemon holds are its own to use: the store's TAT less them, as one daemon sees its bucket.
                // A token rule is checked without what this daemon's calls in flight hold: holdTokens weighs those.
                current.put(rule, Math.max(known.tatNs - known.held * increment(rule) - known.heldNs, now));
            }
            RateLimiter.Verdict v = RateLimiter.decide(rules, now, current, new HashMap<>());
            if (refused != null) {
                // A place freed between the refusal and the read of the state: refused all the same, retry at once.
                return v.allowed() ? new RateLimiter.Verdict(false, v.limit(), 0, v.resetMs(), 1) : v;
            }
            for (RateLimitRule rule : rules) {
                if (rule.tokens() == 0) {
                    lease.rules.get(name(rule)).held--;
                }
            }
            lease.usedAt = local;
            return v;
        } finally {
            lease.lock.unlock();
        }
    }

    /** Whether the lease answers a call of these rules without the store: a place held for each request rule, fresh token rules. */
    private static boolean covered(KeyLease lease, List<RateLimitRule> rules, long local) {
        for (RateLimitRule rule : rules) {
            Known known = lease.rules.get(name(rule));
            if (known == null || (rule.tokens() > 0 ? local - known.readAt > READ_AGE.toNanos() : known.held < 1)) {
                return false;
            }
        }
        return true;
    }

    /** One statement: tops up each request rule's lease (at least the call's own place if none is held), reads the token rules. */
    private RateLimitState.Outcome fetch(String keyId, KeyLease lease, List<RateLimitRule> rules) {
        List<RateLimitState.Step> steps = new ArrayList<>(rules.size());
        Map<String, Long> pending = new HashMap<>();
        for (RateLimitRule rule : rules) {
            String name = name(rule);
            Known known = lease.rules.get(name);
            int held = known == null ? 0 : known.held;
            long window = rule.window().toNanos();
            if (rule.tokens() > 0) {
                // What waits to be written, read before the store: counted twice for a moment at worst, never missed.
                pending.put(name, writer.pending(new KeyRule(keyId, name)));
                steps.add(new RateLimitState.Step(name, 0, window, 0, 0));
            } else {
                steps.add(new RateLimitState.Step(name, increment(rule), window, 1 + leaseSize(rule) - held, held > 0 ? 0 : 1));
            }
        }
        long sent = System.nanoTime();
        RateLimitState.Outcome outcome = state.admit(keyId, steps);
        long received = System.nanoTime();
        lease.clockOffsetNs = outcome.nowNs() - (sent + (received - sent) / 2);
        for (RateLimitRule rule : rules) {
            String name = name(rule);
            Known known = lease.rules.computeIfAbsent(name, n -> new Known());
            known.incrementNs = increment(rule);
            long tat = Math.max(outcome.tatNs().get(name), outcome.nowNs());
            if (rule.tokens() > 0) {
                known.tatNs = tat + pending.get(name);
                // Its age counts from the statement's sending: a slow answer is no fresher for arriving late.
                known.readAt = sent;
            } else {
                int granted = outcome.granted().getOrDefault(name, 0);
                known.held += granted;
                known.tatNs = tat + granted * increment(rule);
            }
        }
        return outcome;
    }

    @Override
    public RateLimiter.Verdict holdTokens(String keyId, List<RateLimitRule> given, long tokens) {
        List<RateLimitRule> rules = given.stream().distinct().toList();
        KeyLease lease = leases.get(keyId, k -> new KeyLease());
        lease.lock.lock();
        try {
            if (!covered(lease, rules, System.nanoTime())) {
                fetch(keyId, lease, rules);
            }
            long now = System.nanoTime() + lease.clockOffsetNs;
            Map<RateLimitRule, Long> current = new HashMap<>();
            Map<RateLimitRule, Long> held = new HashMap<>();
            for (RateLimitRule rule : rules) {
                Known known = lease.rules.get(name(rule));
                current.put(rule, Math.max(known.tatNs, now));
                held.put(rule, known.heldNs);
            }
            RateLimiter.Verdict v = RateLimiter.decideHold(rules, now, current, held);
            if (v.allowed()) {
                for (RateLimitRule rule : rules) {
                    add(keyId, lease, rule, RateLimiter.heldNs(rule, tokens), now);
                    Known known = lease.rules.get(name(rule));
                    known.heldNs = RateLimiter.saturatedSum(known.heldNs, RateLimiter.heldNs(rule, tokens));
                }
            }
            return v;
        } finally {
            lease.lock.unlock();
        }
    }

    @Override
    public void chargeTokens(String keyId, List<RateLimitRule> rules, long used, long held) {
        if (used == 0 && held == 0) {
            return;
        }
        KeyLease lease = leases.get(keyId, k -> new KeyLease());
        lease.lock.lock();
        try {
            long now = System.nanoTime() + lease.clockOffsetNs;
            for (RateLimitRule rule : rules) {
                if (rule.tokens() > 0) {
                    add(keyId, lease, rule, RateLimiter.delta(rule, used, held), now);
                    Known known = lease.rules.get(name(rule));
                    if (known != null && held != 0) {
                        known.heldNs = Math.max(0, known.heldNs - RateLimiter.heldNs(rule, held));
                    }
                }
            }
        } finally {
            lease.lock.unlock();
        }
    }

    /**
     * Moves a token rule's TAT by {@code ns} (negative: given back): written to the store in the background,
     * and at once to what this daemon's next checks read (under the lease's lock).
     */
    private void add(String keyId, KeyLease lease, RateLimitRule rule, long ns, long now) {
        writer.add(new KeyRule(keyId, name(rule)), ns);
        Known known = lease.rules.get(name(rule));
        if (known != null) {
            known.tatNs = Math.min(Math.max(known.tatNs, now) + ns, now + RateLimiter.MAX_AHEAD_NS);
        }
    }

    @Override
    public long used(String keyId, RateLimitRule rule) {
        RateLimitState.Outcome now = state.current(keyId, List.of(new RateLimitState.Step(name(rule), 0, rule.window().toNanos())));
        return RateLimiter.used(rule, now.tatNs().get(name(rule)), now.nowNs());
    }

    /** Hands back the places of leases no call has taken from for {@code idleNs} (all of them with 0): written in the background. */
    private void handBack(long idleNs) {
        long local = System.nanoTime();
        leases.asMap().forEach((keyId, lease) -> {
            if (!lease.lock.tryLock()) {
                return;
            }
            try {
                if (local - lease.usedAt < idleNs) {
                    return;
                }
                lease.rules.forEach((name, known) -> {
                    if (known.held > 0) {
                        long back = known.held * known.incrementNs;
                        writer.add(new KeyRule(keyId, name), -back);
                        known.tatNs -= back;
                        known.held = 0;
                    }
                });
            } finally {
                lease.lock.unlock();
            }
        });
    }

    private void write(Map<KeyRule, Long> batch) {
        Map<String, Map<String, Long>> byKey = new HashMap<>();
        // A batch's sum stays within how far ahead a rule's state may be (the store keeps it there too).
        batch.forEach((kr, ns) -> byKey.computeIfAbsent(kr.keyId(), k -> new HashMap<>()).put(kr.rule(),
                Math.clamp(ns, -RateLimiter.MAX_AHEAD_NS, RateLimiter.MAX_AHEAD_NS)));
        state.add(byKey);
    }

    /** What one place (a request) or one token adds to a rule's TAT. */
    private static long increment(RateLimitRule rule) {
        long window = rule.window().toNanos();
        return rule.tokens() > 0 ? Math.max(1, window / rule.tokens()) : window / rule.requests();
    }

    /** A rule's name in the store: what it limits, over which window and routes. */
    static String name(RateLimitRule rule) {
        return rule.window().toMillis() + "ms:" + (rule.tokens() > 0 ? rule.tokens() + "t" : rule.requests() + "r")
                + (rule.modelCallsOnly() ? ":model" : ":all");
    }

    @Override
    public void close() {
        idleLeases.shutdownNow();
        try {
            idleLeases.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handBack(0);
        writer.close();
    }
}
