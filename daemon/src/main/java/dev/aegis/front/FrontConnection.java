package dev.aegis.front;

import dev.aegis.http.ClientTurnaround;
import dev.aegis.http1.BusyPoll;
import dev.aegis.http1.YieldFirst;
import dev.aegis.watchdog.Watch;
import dev.aegis.watchdog.Watchdogs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection on the {@link Front}: its thread reads a request head, serves the call,
 * sends the answer, and waits on the socket for the next request (at a request boundary it may move
 * to another thread, {@link ConnectionThreads}), until the client closes,
 * goes silent for {@code server.read_timeout} (mid-head or between calls), or sends a request the
 * front leaves to Jetty.
 */
final class FrontConnection implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(FrontConnection.class);

    /**
     * The buffer a head is read into: the size of Jetty's own request buffer (GatewayServer's
     * INPUT_BUFFER), which takes these bytes when the connection is handed over. A head that does not
     * fit goes to Jetty, whose head limit is larger.
     */
    static final int BUFFER = 4 * 1024;

    private enum Next { SERVE, CLOSE, HANDED_OFF, MOVED }

    /** How long, and how much, a closing connection's unread bytes are read away ({@link #closeGently}). */
    private static final int LINGER_MS = 200;
    private static final int LINGER_BYTES = 64 * 1024;

    private final Front front;
    private final SocketChannel channel;
    private final FrontRoutes routes;
    private final Front.HandOff jetty;
    private final BiPredicate<String, String> serves;
    private final Predicate<String> hostAllowed;
    private final Duration readTimeout;
    private final long spinNanos;
    private final ClientTurnaround client;
    private final byte[] buf = new byte[BUFFER];
    private InputStream in;
    private int pos;
    private int limit;
    /** What is left of the body of the request being served. */
    private long bodyLeft;
    /** The spin after the last answer found the client's next request. */
    private boolean nextCame;

    FrontConnection(Front front, SocketChannel channel, FrontRoutes routes, Front.HandOff jetty) {
        this.front = front;
        this.channel = channel;
        this.routes = routes;
        this.jetty = jetty;
        this.serves = (method, path) -> routes.route(method, path) != null;
        this.hostAllowed = front.hosts()::permits;
        this.readTimeout = front.settings().readTimeout();
        this.spinNanos = front.settings().busyPoll().toNanos();
        this.client = new ClientTurnaround(spinNanos);
    }

    @Override
    public void run() {
        Next next = Next.CLOSE;
        try {
            if (in == null) {
                in = channel.socket().getInputStream();
            }
            do {
                next = serveOne();
                if (next == Next.SERVE && front.threads().moved(this, nextCame || pos < limit)) {
                    next = Next.MOVED; // another thread goes on with this connection: touch nothing
                }
            } while (next == Next.SERVE);
        } catch (IOException | RuntimeException e) {
            LOG.debug("front connection ended: {}", e.toString());
            next = Next.CLOSE;
        } finally {
            if (next != Next.HANDED_OFF && next != Next.MOVED) {
                front.ended(channel);
                closeGently();
            }
        }
    }

    private Next serveOne() throws IOException {
        FrontHead.Parsed parsed = readHead();
        if (parsed == null) {
            return Next.CLOSE;
        }
        if (!(parsed instanceof RequestHead head)) {
            LOG.debug("front leaves a request to Jetty: {}", parsed);
            front.handOff(channel, ByteBuffer.wrap(Arrays.copyOfRange(buf, pos, limit)), jetty);
            return Next.HANDED_OFF;
        }
        pos += head.length();
        bodyLeft = head.contentLength();
        front.servedOne();
        front.atWork().enter();
        FrontExchange call = new FrontExchange(this, head, front);
        try {
            call.serve(routes.route(head.method(), head.path()));
            if (!call.finish()) {
                return Next.CLOSE;
            }
            nextCame = false;
            if (pos == limit && BusyPoll.worthOnThisThread() && client.answered(System.nanoTime())
                    && front.atWork().now() == 1) {
                front.polledForNextRequest();
                nextCame = BusyPoll.readableBefore(in, System.nanoTime() + spinNanos);
                client.spun(nextCame);
            }
            return Next.SERVE;
        } finally {
            call.release();
            front.atWork().exit();
        }
    }

    /**
     * The next request's head, within {@code server.read_timeout} of the connection being ready for
     * it; null when the client closed or stayed silent (the watchdog closed the connection).
     */
    private FrontHead.Parsed readHead() throws IOException {
        Watch deadline = null;
        try {
            FrontHead.Parsed parsed;
            while ((parsed = FrontHead.parse(buf, pos, limit, serves, hostAllowed)) instanceof FrontHead.Incomplete) {
                if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, limit - pos);
                    limit -= pos;
                    pos = 0;
                }
                if (limit == buf.length) {
                    return new FrontHead.Defer("a head larger than the front's buffer");
                }
                if (deadline == null) {
                    // A watch, not a socket timeout: a timed read on a virtual thread costs two timer wake-ups (Watchdogs).
                    deadline = Watchdogs.SHARED.watch(readTimeout, channel);
                }
                boolean first = limit == 0;
                if (first && YieldFirst.beforeRead(front.atWork().now() > 0)) {
                    front.yieldedBeforeRead();
                }
                int r = in.read(buf, limit, buf.length - limit);
                if (r < 0) {
                    return null;
                }
                if (first) {
                    client.requestCame(System.nanoTime());
                }
                limit += r;
            }
            return parsed;
        } catch (IOException e) {
            if (deadline != null && deadline.fired()) {
                return null;
            }
            throw e;
        } finally {
            if (deadline != null) {
                deadline.close();
            }
        }
    }

    /** Reads body bytes of the request being served: first what came with the head, then the socket's. */
    int readBody(byte[] b, int off, int len) throws IOException {
        if (bodyLeft == 0) {
            return -1;
        }
        int want = (int) Math.min(len, bodyLeft);
        int r;
        if (pos < limit) {
            r = Math.min(want, limit - pos);
            System.arraycopy(buf, pos, b, off, r);
            pos += r;
        } else {
            r = in.read(b, off, want);
            if (r < 0) {
                return -1;
            }
        }
        bodyLeft -= r;
        return r;
    }

    long bodyLeft() {
        return bodyLeft;
    }

    /** A read of the body fails after {@code server.read_timeout} of silence (Jetty's idle timeout did the same). */
    void bodyTimeout(boolean on) {
        try {
            channel.socket().setSoTimeout(on ? (int) Math.clamp(readTimeout.toMillis(), 1, Integer.MAX_VALUE) : 0);
        } catch (IOException e) {
            LOG.debug("setting the body's read timeout: {}", e.toString());
        }
    }

    /**
     * Reads away what is left of the body, up to {@code atMost} bytes and within {@code server.read_timeout};
     * false when it could not (too large, too slow, gone): the connection must then close.
     */
    boolean drainBody(long atMost) {
        if (bodyLeft == 0) {
            return true;
        }
        if (bodyLeft > atMost) {
            return false;
        }
        byte[] sink = new byte[(int) Math.min(8192, bodyLeft)];
        long deadline = System.nanoTime() + readTimeout.toNanos();
        bodyTimeout(true);
        try {
            while (bodyLeft > 0) {
                if (System.nanoTime() - deadline > 0 || readBody(sink, 0, sink.length) < 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false; // silent for the timeout (SocketTimeoutException), or gone
        } finally {
            bodyTimeout(false);
        }
    }

    /**
     * Writes all of {@code parts}; a client that takes none of it for {@code server.read_timeout} is
     * cut off (each write that moves bytes starts the clock again, as Jetty's idle timeout does).
     */
    void write(ByteBuffer... parts) throws IOException {
        Watch stalled = Watchdogs.SHARED.watch(readTimeout, channel);
        try {
            long left = 0;
            for (ByteBuffer p : parts) {
                left += p.remaining();
            }
            while (left > 0) {
                left -= channel.write(parts);
                stalled.activity();
            }
        } finally {
            stalled.close();
        }
    }

    /**
     * Ends the connection as Jetty does after a last answer: the sending side first, then what the
     * client still sends read away for a moment (at most {@link #LINGER_BYTES}), then the socket
     * closed. Closed at once with bytes unread, the kernel would reset the connection, and a client
     * still sending could lose the answer it was sent.
     */
    private void closeGently() {
        if (in == null || !channel.isOpen()) {
            close();
            return;
        }
        try {
            channel.shutdownOutput();
            channel.socket().setSoTimeout(LINGER_MS);
            byte[] sink = new byte[4096];
            for (int read = 0, r; read < LINGER_BYTES && (r = in.read(sink)) >= 0; read += r) {
                // the rest of what the client sent
            }
        } catch (IOException e) {
            // gone, or silent for the linger: close either way
        } finally {
            close();
        }
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing a front connection: {}", e.toString());
        }
    }
}
