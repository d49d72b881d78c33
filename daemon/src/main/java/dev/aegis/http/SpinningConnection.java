package dev.aegis.http;

import dev.aegis.http1.BusyPoll;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectableChannelEndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;

/**
 * A client's HTTP/1.1 connection that, once an answer is sent and no next request has arrived, asks
 * its socket for the next request for up to {@code server.busy_poll} before handing the connection back to
 * Jetty's selector, when it is the only connection at work and its client is prompt ({@link ClientTurnaround}: its
 * last request came within a millisecond of the answer before it, and spins in vain back off). Handing it back costs an otherwise idle
 * daemon three thread wake-ups before the next request runs: the selector's, to watch the connection
 * again; the selector's, when the request comes; and a carrier's, for the new virtual thread that
 * handles it. A client that sends its next request at once (a load generator, an agent's tool loop)
 * has it handled on the same thread instead. A client that pauses costs one spin.
 */
class SpinningConnection extends HttpConnection {

    /** The server's connections handling a request, or asking for the next one, right now. */
    private final CallsAtWork atWork;

    /** The thread inside {@link #onFillable} whose own request for fill interest is held back. */
    private volatile Thread holding;
    /** What the holding thread asked to be called back with when the connection is readable; null if nothing. */
    private Callback held;
    /** Whether to ask for the next request after an answer. */
    private final ClientTurnaround client;
    /** The longest this connection asks for the next request before the selector watches it again. */
    private final long spinNanos;
    private InputStream probe;

    /** @param atWork shared by all the server's connections */
    SpinningConnection(HttpConfiguration config, Connector connector, EndPoint endPoint, Duration busyPoll,
            CallsAtWork atWork) {
        super(config, connector, endPoint);
        this.spinNanos = busyPoll.toNanos();
        this.client = new ClientTurnaround(spinNanos);
        this.atWork = atWork;
    }

    @Override
    public void onFillable() {
        atWork.enter();
        client.requestCame(System.nanoTime());
        try {
            while (true) {
                held = null;
                holding = Thread.currentThread();
                try {
                    super.onFillable();
                } finally {
                    holding = null;
                }
                Callback whenReadable = held;
                if (whenReadable == null) {
                    return; // the request is still being handled elsewhere, or the connection closed
                }
                if (BusyPoll.worthOnThisThread() && client.answered(System.nanoTime()) && atWork.now() == 1
                        && getEndPoint().isOpen()) {
                    boolean arrived = nextRequestArrives();
                    client.spun(arrived);
                    if (arrived) {
                        continue; // read and handle it here, as the selector would have had a thread do
                    }
                }
                super.fillInterested(whenReadable);
                return;
            }
        } finally {
            atWork.exit();
        }
    }

    @Override
    public void fillInterested(Callback whenReadable) {
        if (holding == Thread.currentThread()) {
            held = whenReadable; // decided in onFillable, after the spin
            return;
        }
        super.fillInterested(whenReadable);
    }

    /** True when bytes of a next request arrive within {@link #spinNanos}, asked without parking. */
    private boolean nextRequestArrives() {
        if (probe == null) {
            if (!(getEndPoint() instanceof SelectableChannelEndPoint ep) || !(ep.getChannel() instanceof SocketChannel ch)) {
                return false;
            }
            try {
                probe = ch.socket().getInputStream();
            } catch (IOException e) {
                return false; // closed: the selector finds out
            }
        }
        return BusyPoll.readableBefore(probe, System.nanoTime() + spinNanos);
    }
}
