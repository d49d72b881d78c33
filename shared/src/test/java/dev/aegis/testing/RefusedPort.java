package dev.aegis.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port where nothing listens and nothing can start to while the test holds it: a TCP
 * socket bound to it that never listens, so a connection to it is refused at once. Closing a
 * {@code ServerSocket(0)} and using its number instead left the port free for any other test's server
 * to take in between, which then answered instead of refusing (a flaky {@code UpstreamFailureIT}).
 */
public final class RefusedPort implements AutoCloseable {

    private final Socket holder;

    private RefusedPort(Socket holder) {
        this.holder = holder;
    }

    public static RefusedPort open() throws IOException {
        Socket holder = new Socket();
        try {
            holder.setReuseAddress(false);
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new RefusedPort(holder);
        } catch (IOException e) {
            holder.close();
            throw e;
        }
    }

    public int port() {
        return holder.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        holder.close();
    }
}
