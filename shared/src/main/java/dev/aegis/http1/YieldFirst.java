package dev.aegis.http1;

/**
 * A virtual thread about to read a socket whose bytes have most likely not come yet (a client's next
 * request, a provider's answer head) while other calls are at work lets them run first, once
 * ({@link Thread#yield}), and then reads.
 *
 * <p>Why: a virtual thread whose read finds nothing parks, and the bytes then wake the JDK's poller
 * thread, which hands the thread back to a carrier: a failed read, the poller's registration and
 * wake-up, and a trip through the carriers' queue for every wait. Under load the other calls'
 * turns take longer than a peer on the same machine takes to send the bytes, so after one yield the
 * read nearly always finds them. At 64 connections the poller registrations went from ≈ 0.19 to
 * ≈ 0.005 per call; in paired runs the calls per second were higher in 10 of 12 pairs (median
 * ≈ +1.7 %), the CPU per call the same within the host's spread (issue 29,
 * docs/benchmarks/run-2026-12-06-1205-yield-before-read.md). With no other call at work a yield
 * would come straight back: there the thread reads at once (or asks first, {@link BusyPoll}). A
 * platform thread never yields: the kernel runs the others and wakes it directly.
 */
public final class YieldFirst {

    private YieldFirst() {}

    /**
     * Yields once when the calling thread is virtual and {@code othersAtWork}; returns whether it did.
     *
     * @param othersAtWork other calls than the caller's are being served now
     */
    public static boolean beforeRead(boolean othersAtWork) {
        if (othersAtWork && Thread.currentThread().isVirtual()) {
            Thread.yield();
            return true;
        }
        return false;
    }
}
