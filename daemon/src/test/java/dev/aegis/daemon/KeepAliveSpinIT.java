package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client's keep-alive connection after an answer (dev.aegis.http.SpinningConnection): a client that
 * sends its next request at once has it handled on the thread that sent the answer, instead of a new
 * virtual thread woken through Jetty's selector for each request (counted with JFR's
 * jdk.VirtualThreadStart, in process); a client that pauses between requests still gets every answer.
 */
class KeepAliveSpinIT {

    private static final int REQUESTS = 200;

    @TempDir
    Path temp;

    @Test
    void requestsSentAtOnceAfterEachAnswerDoNotStartAThreadEach() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "server: { busy_poll: 10ms }", Map.of())) {
            assertThat(threadsStartedFor(g, REQUESTS, 0)).as("virtual threads started for %d requests sent at once", REQUESTS)
                    .isLessThan(REQUESTS / 2);
        }
    }

    @Test
    void withBusyPollOffEachRequestStartsAThread() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "server: { busy_poll: 0 }", Map.of())) {
            assertThat(threadsStartedFor(g, REQUESTS, 0)).as("virtual threads started for %d requests sent at once", REQUESTS)
                    .isGreaterThanOrEqualTo(REQUESTS * 9 / 10);
        }
    }

    @Test
    void aClientThatPausesBetweenRequestsGetsEveryAnswerThroughTheSelector() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "server: { busy_poll: 10ms }", Map.of())) {
            assertThat(threadsStartedFor(g, 5, 30)).as("threads started for 5 requests, each after a 30 ms pause")
                    .isGreaterThanOrEqualTo(4);
        }
    }

    /**
     * Sends {@code requests} health checks on one keep-alive connection, each {@code pauseMillis}
     * after the answer to the one before, checks every answer, and counts the virtual threads the
     * daemon started meanwhile.
     */
    private long threadsStartedFor(TestGateway g, int requests, long pauseMillis) throws Exception {
        try (Socket client = new Socket("127.0.0.1", g.state().port()); Recording starts = new Recording()) {
            client.setSoTimeout(20_000);
            client.setTcpNoDelay(true);
            exchange(client); // the connection is open and its first request handled before counting
            starts.enable("jdk.VirtualThreadStart").withoutStackTrace();
            starts.start();
            for (int i = 0; i < requests; i++) {
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis); // the pause is the behaviour under test, not a wait for something
                }
                assertThat(exchange(client)).as("answer %d", i).startsWith("HTTP/1.1 200").contains("\"status\":\"ok\"");
            }
            starts.stop();
            Path file = temp.resolve("starts-" + System.nanoTime() + ".jfr");
            starts.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().equals("jdk.VirtualThreadStart")).count();
        }
    }

    /** Sends one health check and reads its whole answer (its head, then Content-Length bytes). */
    private static String exchange(Socket client) throws IOException {
        OutputStream out = client.getOutputStream();
        out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = client.getInputStream();
        StringBuilder seen = new StringBuilder();
        int headEnd = -1;
        long length = -1;
        byte[] buf = new byte[4096];
        while (headEnd < 0 || seen.length() < headEnd + 4 + length) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("the daemon closed the connection after: " + seen);
            }
            seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            if (headEnd < 0 && (headEnd = seen.indexOf("\r\n\r\n")) >= 0) {
                String head = seen.substring(0, headEnd).toLowerCase();
                int at = head.indexOf("content-length:");
                length = Long.parseLong(head.substring(at + 15, head.indexOf('\r', at) < 0 ? head.length() : head.indexOf('\r', at)).trim());
            }
        }
        return seen.toString();
    }
}
