package dev.aegis.records;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts calls answered but not recorded, and says how many in {@code daemon.log} at most once a
 * minute: the record of a call is otherwise its row, its receipt and its log line.
 */
final class UnrecordedCalls {

    private static final Logger LOG = LoggerFactory.getLogger(UnrecordedCalls.class);
    private static final long REPORT_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    private final LongSupplier nanoClock;
    private final String why;
    private final AtomicLong unrecorded = new AtomicLong();
    private final AtomicLong lastReport;

    /** @param why what the count is of, after the number: "calls that ... were answered but not recorded: ..." */
    UnrecordedCalls(LongSupplier nanoClock, String why) {
        this.nanoClock = nanoClock;
        this.why = why;
        this.lastReport = new AtomicLong(nanoClock.getAsLong() - REPORT_EVERY_NANOS);
    }

    void count() {
        unrecorded.incrementAndGet();
        long now = nanoClock.getAsLong();
        long last = lastReport.get();
        if (now - last >= REPORT_EVERY_NANOS && lastReport.compareAndSet(last, now)) {
            LOG.warn("{} {}", unrecorded.getAndSet(0), why);
        }
    }
}
