package dev.aegis.http;

import dev.aegis.front.Front;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Jetty's connector on the daemon's port, with each accepted connection given to the {@link Front}
 * first; what the front hands back (a request it does not serve) Jetty serves from the bytes the
 * front had read, as if it had read them itself: they go into the new HTTP connection's request
 * buffer ({@link Connection.UpgradeTo}, how Jetty itself passes bytes between connections) before it
 * opens. Without a front it is Jetty's plain connector. Either way it accepts no more connections than
 * its {@link ConnectionCap} allows.
 */
final class FrontConnector extends ServerConnector implements Front.HandOff {

    private final Front front;
    private final ConnectionCap cap;

    /**
     * @param front null for none
     * @param maxConnections client connections open at once, the front's and Jetty's together
     */
    FrontConnector(Server server, ConnectionFactory http, Front front, int maxConnections) {
        super(server, 1, -1, http);
        this.front = front;
        this.cap = new ConnectionCap(maxConnections,
                () -> getConnectedEndPoints().size() + (front == null ? 0 : front.connections()));
    }

    @Override
    public void accept(int acceptorID) throws IOException {
        try {
            cap.awaitRoom(this::isRunning);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("stopped while waiting for a connection to close");
        }
        if (front == null) {
            super.accept(acceptorID);
            return;
        }
        if (!(getTransport() instanceof ServerSocketChannel server) || !server.isOpen()) {
            return;
        }
        SocketChannel channel = server.accept();
        try {
            configure(channel.socket());
            front.accepted(channel, this);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void take(SocketChannel channel, ByteBuffer already) throws IOException {
        channel.configureBlocking(false); // its socket options were set when it was accepted
        getSelectorManager().accept(channel, already);
    }

    @Override
    protected SelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors) {
        return new ServerConnectorManager(executor, scheduler, selectors) {
            @Override
            public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object attachment) throws IOException {
                Connection connection = super.newConnection(channel, endPoint, attachment);
                if (attachment instanceof ByteBuffer already && already.hasRemaining()) {
                    if (!(connection instanceof Connection.UpgradeTo to)) {
                        throw new IOException("a connection handed over with bytes read cannot take them");
                    }
                    to.onUpgradeTo(already);
                    if (already.hasRemaining()) {
                        throw new IOException("the bytes read before the hand-off did not fit Jetty's request buffer");
                    }
                }
                return connection;
            }
        };
    }
}
