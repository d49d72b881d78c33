package dev.aegis.proxy.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The idle pool's bookkeeping: most recent first, counts kept per origin as connections come and go. */
class ConnectionPoolTest {

    private final ServerSocket server;
    private final List<Socket> accepted = new ArrayList<>();
    private final ConnectionPool pool = new ConnectionPool();
    private final Origin origin;

    ConnectionPoolTest() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        origin = new Origin(false, "127.0.0.1", server.getLocalPort());
    }

    @AfterEach
    void tearDown() throws IOException {
        pool.close();
        for (Socket s : accepted) {
            s.close();
        }
        server.close();
    }

    private Connection open() throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
        accepted.add(server.accept());
        return new Connection(origin, channel, channel.socket());
    }

    @Test
    void hands_back_the_most_recent_idle_connection_and_counts_what_is_left() throws IOException {
        Connection first = open();
        Connection second = open();
        pool.release(first);
        pool.release(second);
        assertThat(pool.idleCount()).isEqualTo(2);

        assertThat(pool.take(origin)).isSameAs(second);
        assertThat(pool.idleCount()).isEqualTo(1);
        assertThat(pool.take(origin)).isSameAs(first);
        assertThat(pool.take(origin)).isNull();
        assertThat(pool.idleCount()).isZero();
    }

    @Test
    void a_connection_closed_while_idle_is_dropped_and_no_longer_counted() throws IOException {
        Connection c = open();
        pool.release(c);
        c.close();
        assertThat(pool.take(origin)).isNull();
        assertThat(pool.idleCount()).isZero();
        pool.release(open());
        assertThat(pool.idleCount()).isEqualTo(1);
    }

    @Test
    void close_empties_the_pool_and_refuses_what_comes_back_later() throws IOException {
        pool.release(open());
        Connection late = open();
        pool.close();
        assertThat(pool.idleCount()).isZero();
        pool.release(late);
        assertThat(late.isClosed()).isTrue();
        assertThat(pool.idleCount()).isZero();
    }
}
