package dev.aegis.reload;

import java.util.concurrent.atomic.AtomicLong;

/** How many config edits were applied and refused since start (shown in the status payload). */
public final class ReloadCounts {

    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    void applied() {
        applied.incrementAndGet();
    }

    void refused() {
        refused.incrementAndGet();
    }

    public long appliedCount() {
        return applied.get();
    }

    public long refusedCount() {
        return refused.get();
    }
}
