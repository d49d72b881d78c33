package dev.aegis.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Asking a socket for bytes, and on which threads asking is worth it. Real loopback sockets. */
class BusyPollTest {

    @Test
    void askingIsWorthItOnAVirtualThreadOnly() throws Exception {
        assertThat(BusyPoll.worthOnThisThread()).as("on a platform thread (the kernel wakes it directly)").isFalse();
        CompletableFuture<Boolean> onVirtual = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> onVirtual.complete(BusyPoll.worthOnThisThread()));
        assertThat(onVirtual.get(10, TimeUnit.SECONDS)).as("on a virtual thread (woken through the poller and a carrier)").isTrue();
    }

    @Test
    void tellsWhetherBytesCameWithinTheTimeGiven() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            InputStream in = accepted.getInputStream();
            assertThat(BusyPoll.readableBefore(in, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1)))
                    .as("nothing sent").isFalse();
            OutputStream out = client.getOutputStream();
            out.write('x');
            out.flush();
            assertThat(BusyPoll.readableBefore(in, System.nanoTime() + TimeUnit.SECONDS.toNanos(10))).as("a byte sent").isTrue();
            assertThat(in.read()).as("asking read nothing").isEqualTo('x');
        }
    }
}
