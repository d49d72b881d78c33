package dev.aegis.admission;

import dev.aegis.store.CreditLedger;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credit reservations as leases (docs/TEAM.md): while this daemon holds reservations for its calls in
 * flight it renews them every {@link #RENEW}, and every {@link #SWEEP} it releases other daemons'
 * reservations not renewed for {@link #ABANDONED}. A daemon that dies is released by its own next start
 * when it starts again as the same holder (host and home); one that never does (another machine, a
 * container replaced) no longer keeps a key's credits held for good: any other daemon lets them go.
 */
public final class CreditLeases implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CreditLeases.class);

    /** How often a daemon renews its reservations while it holds any. */
    static final Duration RENEW = Duration.ofSeconds(20);
    /** How often a daemon looks for reservations whose daemon stopped renewing them (and forgets old settlements). */
    static final Duration SWEEP = Duration.ofMinutes(1);
    /**
     * How long a reservation may go unrenewed before it counts as abandoned: six renewals missed, which
     * also covers the machines' clocks being apart by a minute.
     */
    public static final Duration ABANDONED = Duration.ofMinutes(2);

    private final CreditLedger ledger;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r ->
            Thread.ofPlatform().name("aegis-credit-leases").daemon(true).unstarted(r));

    public CreditLeases(CreditLedger ledger) {
        this.ledger = ledger;
        timer.scheduleWithFixedDelay(this::renew, RENEW.toMillis(), RENEW.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::sweep, SWEEP.toMillis(), SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void renew() {
        try {
            ledger.renew();
        } catch (RuntimeException e) { // the store down: the next renewal tries again, well within ABANDONED
            LOG.debug("could not renew this daemon's credit reservations: {}", e.toString());
        }
    }

    private void sweep() {
        try {
            int released = ledger.releaseAbandoned(ABANDONED);
            if (released > 0) {
                LOG.warn("released {} credit reservations another daemon left unrenewed for {} s (it stopped without "
                        + "releasing them: killed, or its machine gone)", released, ABANDONED.toSeconds());
            }
            ledger.pruneSettlements();
        } catch (RuntimeException e) {
            LOG.debug("could not look for abandoned credit reservations: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
