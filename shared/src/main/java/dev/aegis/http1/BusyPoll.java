package dev.aegis.http1;

import java.io.IOException;
import java.io.InputStream;

/**
 * Asking a socket whether bytes have come, again and again, instead of sleeping until they do: on an
 * otherwise idle machine, bytes from a peer on the same machine come sooner than a sleeping thread
 * can be woken (the daemon's {@code server.busy_poll} and {@code server.head_busy_poll}).
 */
public final class BusyPoll {

    private BusyPoll() {}

    /**
     * Whether asking is worth its CPU on the calling thread. A virtual thread that blocks on a socket
     * parks, and the bytes wake the JDK's poller thread and then a carrier to run it again: two
     * wake-ups of an idle CPU, which asking saves. A platform thread is woken by the kernel directly;
     * there, paired runs measured asking at ≈ 25 µs more CPU per call for ≈ 20 µs off the median and
     * no better p99 (issue 29, docs/benchmarks/run-2026-12-06-0835-parallel-collector-and-busy-polls.md),
     * so a platform thread never asks.
     */
    public static boolean worthOnThisThread() {
        return Thread.currentThread().isVirtual();
    }

    /**
     * True once {@code socket} (a TCP socket's own stream, only asked, never read) has bytes waiting,
     * false when {@code until} ({@link System#nanoTime}) passed first or the socket failed (the read
     * that follows finds out). One system call each time.
     */
    public static boolean readableBefore(InputStream socket, long until) {
        try {
            do {
                if (socket.available() > 0) {
                    return true;
                }
                Thread.onSpinWait();
            } while (System.nanoTime() - until < 0);
        } catch (IOException | RuntimeException e) {
            // reported by the read that follows
        }
        return false;
    }
}
