package dev.aegis.admission;

import dev.aegis.store.BudgetCounters;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token budgets counted in the shared store (team mode, docs/TEAM.md): a call's check reads
 * its counters (one query), this daemon's own calls' tokens count at once in memory and reach the
 * store in the background ({@link DeltaWriter}), so every daemon sees every other's spending as
 * soon as it is written.
 */
public final class SharedBudgets implements BudgetTracker.Shared, AutoCloseable {

    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

    private final BudgetCounters counters;
    private final DeltaWriter<String> writer;
    /** Per counter: what this daemon counts for it (its seed if the store has none yet), and its expiry. */
    private final Map<String, long[]> latest = new ConcurrentHashMap<>();

    public SharedBudgets(BudgetCounters counters, InstantSource clock) {
        this.counters = counters;
        this.writer = new DeltaWriter<>("budget counters", this::write, () -> counters.prune(clock.millis()), PRUNE_EVERY);
    }

    @Override
    public long[] used(List<String> names, long[] local) {
        // What waits to be written, read before the store: a write committing in between is then counted
        // twice (for a moment, erring on the safe side), never missed.
        long[] pending = new long[names.size()];
        for (int i = 0; i < pending.length; i++) {
            pending[i] = writer.pending(names.get(i));
        }
        Map<String, Long> stored = counters.used(names);
        long[] used = new long[names.size()];
        for (int i = 0; i < used.length; i++) {
            Long s = stored.get(names.get(i));
            // A counter not stored yet: what this daemon counts (usage recorded when it started, and its calls since).
            used[i] = s == null ? local[i] : Math.max(local[i], s + pending[i]);
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
