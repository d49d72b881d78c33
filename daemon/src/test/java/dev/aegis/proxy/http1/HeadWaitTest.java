package dev.aegis.proxy.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The wait for an answer's head: the only call waiting on a virtual thread asks its socket before it
 * parks, and reads the head whole either way; a connection whose last answer came late and a call on a
 * platform thread (which the kernel wakes directly) wait at once; a call on a virtual thread beside
 * other calls at work lets them run once before it reads.
 * Real loopback sockets; each "provider" answers one request line per request. Calls run on virtual
 * threads, as the daemon's do under load, unless a test says otherwise.
 */
class HeadWaitTest {

    private static final String ANSWER = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

    private final java.util.concurrent.atomic.AtomicInteger callsAtWork = new java.util.concurrent.atomic.AtomicInteger(1);
    private final HeadWait wait = new HeadWait(Duration.ofNanos(100_000), callsAtWork::get);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void theOnlyCallWaitingAsksBeforeParkingAndReadsTheWholeStatusLine() throws Exception {
        Connection conn = connectTo(provider(0, null));

        assertThat(exchange(conn)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(wait.spins()).isEqualTo(1);
        assertThat(conn.lastHeadNanos()).isPositive();
        assertThat(conn.readLine()).as("the rest of the head, untouched by the asking").isEqualTo("Content-Length: 0");
    }

    @Test
    void aCallOnAPlatformThreadWaitsAtOnceAndReadsTheWholeStatusLine() throws Exception {
        Connection conn = connectTo(provider(0, null));
        sendRequest(conn);

        assertThat(wait.statusLine(conn)).as("read on this (platform) test thread").isEqualTo("HTTP/1.1 200 OK");
        assertThat(wait.spins()).as("the only call at work, but on a platform thread: no asking").isZero();
        assertThat(conn.readLine()).isEqualTo("Content-Length: 0");
    }

    @Test
    void aConnectionWhoseLastAnswerCameLaterThanTheSpinParksAtOnceNextTime() throws Exception {
        Connection conn = connectTo(provider(20, null));

        assertThat(exchange(conn)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(wait.spins()).as("the first answer on a connection: asked, in vain").isEqualTo(1);
        // Timed from the wait's start, after the request was written (the provider's 20 ms may have begun
        // while this thread was descheduled): longer than the 100 µs spin is what the next call reads.
        assertThat(conn.lastHeadNanos()).isGreaterThan(TimeUnit.MICROSECONDS.toNanos(100));
        conn.readLine();
        conn.readLine();

        assertThat(exchange(conn)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(wait.spins()).as("the second: its last answer came too late to ask again").isEqualTo(1);
    }

    @Test
    void aCallWaitingBesideAnotherDoesNotAskButLetsItRunFirst() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Connection held = connectTo(provider(0, release));
        Connection quick = connectTo(provider(0, null));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return exchange(held);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); wait.spins() == 0 && System.nanoTime() < end; ) {
            Thread.onSpinWait();
        }
        assertThat(wait.spins()).as("the first call, alone, asked").isEqualTo(1);

        assertThat(exchange(quick)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(wait.spins()).as("the second call, beside a waiting one, did not").isEqualTo(1);
        assertThat(wait.yields()).as("it yielded once before reading instead").isEqualTo(1);
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("HTTP/1.1 200 OK");
    }

    @Test
    void aCallWhileAnotherIsAtWorkYieldsInsteadOfAskingEvenAloneInItsWait() throws Exception {
        // A spin long enough that the parked first answer's time never stops the second from spinning.
        HeadWait longWait = new HeadWait(Duration.ofSeconds(10), callsAtWork::get);
        Connection conn = connectTo(provider(0, null));
        callsAtWork.set(2); // another call relaying its answer, reading its request, ...

        assertThat(exchange(conn, longWait)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(longWait.spins()).as("not the only call at work: no spin").isZero();
        assertThat(longWait.yields()).as("it let the other call run once before reading instead").isEqualTo(1);
        conn.readLine();
        conn.readLine();

        callsAtWork.set(1);
        assertThat(exchange(conn, longWait)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(longWait.spins()).as("the only call at work again").isEqualTo(1);
        assertThat(longWait.yields()).as("alone: nothing to let run first").isEqualTo(1);
    }

    @Test
    void aCallOnAPlatformThreadWhileAnotherIsAtWorkReadsWithoutYielding() throws Exception {
        Connection conn = connectTo(provider(0, null));
        callsAtWork.set(2);
        sendRequest(conn);

        assertThat(wait.statusLine(conn)).as("read on this (platform) test thread").isEqualTo("HTTP/1.1 200 OK");
        assertThat(wait.yields()).as("the kernel runs the others and wakes a platform thread itself").isZero();
        assertThat(wait.spins()).isZero();
        assertThat(conn.readLine()).isEqualTo("Content-Length: 0");
    }

    private String exchange(Connection conn) throws IOException {
        return exchange(conn, wait);
    }

    private static void sendRequest(Connection conn) throws IOException {
        byte[] request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        conn.write(request, new byte[0], 0, 0);
    }

    /** Writes a request and reads its answer's status line, on a virtual thread of its own. */
    private String exchange(Connection conn, HeadWait headWait) throws IOException {
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                sendRequest(conn);
                line.complete(headWait.statusLine(conn));
            } catch (IOException | RuntimeException e) {
                line.completeExceptionally(e);
            }
        });
        try {
            return line.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        }
    }

    /** A provider that answers each request after {@code delayMillis}, and after {@code release} opens if given. */
    private ServerSocket provider(long delayMillis, CountDownLatch release) throws IOException {
        ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        open.add(server);
        Thread.ofVirtual().start(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                StringBuilder seen = new StringBuilder();
                for (int b; (b = in.read()) >= 0; ) {
                    seen.append((char) b);
                    if (seen.toString().endsWith("\r\n\r\n")) {
                        seen.setLength(0);
                        if (release != null) {
                            release.await();
                        }
                        Thread.sleep(delayMillis);
                        out.write(ANSWER.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the test closed it
            }
        });
        return server;
    }

    private Connection connectTo(ServerSocket server) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
        Connection conn = new Connection(new Origin(false, "127.0.0.1", server.getLocalPort()), channel, channel.socket());
        open.add(conn::close);
        return conn;
    }
}
