package dev.aegis.records;

import dev.aegis.admission.RateLimiter;
import dev.aegis.config.RateLimitRule;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Bounds how fast calls that name no valid key become records. Every refusal is recorded (a usage row, a
 * signed receipt, a log line), and anyone who can reach the port can be refused: an outside review's keyless
 * flood of 18,000 401s a second wrote 20 MB a second of receipts and rows and rotated every line about real
 * calls out of {@code daemon.log}. Past {@link #PER_SECOND} a second (a burst as large), such a call is still
 * answered and counted in the metrics, but not recorded; a warning says how many were not, at most once a minute.
 */
final class KeylessRecords {

    /** Keyless calls recorded a second, and the burst: far above any client retrying a bad key. */
    static final int PER_SECOND = 50;

    private static final List<RateLimitRule> RULE = List.of(new RateLimitRule(Duration.ofSeconds(1), PER_SECOND, 0, false));

    private final RateLimiter limiter;
    private final UnrecordedCalls unrecorded;

    KeylessRecords(LongSupplier nanoClock) {
        this.limiter = new RateLimiter(nanoClock);
        this.unrecorded = new UnrecordedCalls(nanoClock, "calls that named no valid key were answered (401 and the like)"
                + " but not recorded: more than " + PER_SECOND + " a second came, a flood from something that can reach the port");
    }

    /** True when this keyless call is recorded; false past the rate (counted, and reported once a minute). */
    boolean record() {
        RateLimiter.Verdict v = limiter.acquire("keyless", RULE);
        if (v == null || v.allowed()) {
            return true;
        }
        unrecorded.count();
        return false;
    }
}
