package dev.aegis.http1;

import java.io.IOException;
import java.io.InputStream;

/**
 * Asking a socket whether bytes have come, again and again, instead of sleeping until they do: on an
 * otherwise idle machine, bytes from a peer on the same machine come sooner than a sleeping thread
 * can be woken (the daemon's {@code server.busy_poll}).
 */
public final class BusyPoll {

    private BusyPoll() {}

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
