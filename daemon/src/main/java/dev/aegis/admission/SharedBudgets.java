package dev.aegis.admission;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.aegis.cache.CallPathCaches;
import dev.aegis.store.BudgetCounters;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * Token budgets counted in the shared store (team mode, docs/TEAM.md): a call's check reads
 * its counters (one query, whose answer the calls of the next {@link #READ_AGE} reuse), this
 * daemon's own calls' tokens count at once in memory and reach the store in the background
 * ({@link DeltaWriter}), so every daemon sees every other's spending soon after it is written.
 */
public final class SharedBudgets implements BudgetTracker.Shared, AutoCloseable {

    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);
    /**
     * How long a counter read from the store answers the next checks: a busy key's calls share one
     * read instead of one each. Only other daemons' spending can be missed meanwhile (this daemon's
     * own calls count in its memory), which docs/TEAM.md's bound counts.
     */
    static final Duration READ_AGE = Duration.ofMillis(5);
    /** A counter the store does not have yet. */
    private static final long ABSENT = Long.MIN_VALUE;

    private final BudgetCounters counters;
    private final DeltaWriter<String> writer;
    /** Per counter: what this daemon counts for it (its seed if the store has none yet), and its expiry. */
    private final Map<String, long[]> latest = new ConcurrentHashMap<>();
    /**
     * Counters as last read from the store (ABSENT: none there), for {@link #READ_AGE} from when the
     * query was sent: a slow answer is no fresher for arriving late.
     */
    private final Cache<String, Read> stored = CallPathCaches.builder()
            .expireAfter(Expiry.<String, Read>writing((name, read) ->
                    READ_AGE.minusNanos(Math.min(READ_AGE.toNanos(), System.nanoTime() - read.sentNs()))))
            .maximumSize(100_000).build();

    /** A counter's value in the store, and when the query that read it was sent (nanoTime). */
    private record Read(long used, long sentNs) {}

    /** @param writeDelays told each background write's delay (docs/TEAM.md's bound counts it) */
    public SharedBudgets(BudgetCounters counters, InstantSource clock, LongConsumer writeDelays) {
        this.counters = counters;
        this.writer = new DeltaWriter<>("budget counters", this::write, () -> counters.prune(clock.millis()), PRUNE_EVERY,
                writeDelays);
    }

    @Override
    public long[] used(List<String> names, long[] local) {
        // What waits to be written, read before the store: a write committing in between is then counted
        // twice (for a moment, erring on the safe side), never missed.
        long[] pending = new long[names.size()];
        for (int i = 0; i < pending.length; i++) {
            pending[i] = writer.pending(names.get(i));
        }
        Map<String, Read> read = stored.getAllPresent(names);
        if (read.size() < names.size()) {
            long sent = System.nanoTime();
            Map<String, Long> fresh = counters.used(names);
            Map<String, Read> all = new HashMap<>();
            for (String name : names) {
                all.put(name, new Read(fresh.getOrDefault(name, ABSENT), sent));
            }
            stored.putAll(all);
            read = all;
        }
        long[] used = new long[names.size()];
        for (int i = 0; i < used.length; i++) {
            long s = read.get(names.get(i)).used();
            // A counter not stored yet: what this daemon counts (usage recorded when it started, and its calls since).
            // Its own calls always count through local, so a reused read misses only other daemons' latest spending.
            used[i] = s == ABSENT ? local[i] : Math.max(local[i], s + pending[i]);
        }
        return used;
    }

    @Override
    public void add(String name, long tokens, long localAfter, long expiresMs) {
        latest.put(name, new long[] {localAfter, expiresMs});
        writer.add(name, tokens);
    }

    private void write(Map<String, Long> batch) {
        Map<String, BudgetCounters.Addition> additions = new HashMap<>();
        batch.forEach((name, tokens) -> {
            long[] l = latest.getOrDefault(name, new long[] {tokens, Long.MAX_VALUE});
            additions.put(name, new BudgetCounters.Addition(tokens, l[0], l[1]));
        });
        counters.add(additions);
        // Forget the seeds written (a counter's next addition brings its own).
        batch.keySet().forEach(name -> latest.computeIfPresent(name, (n, l) -> writer.pending(n) > batch.get(n) ? l : null));
    }

    @Override
    public void close() {
        writer.close();
    }
}
