package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code server.max_connections}: connections past the cap wait (in the kernel's queue) until one
 * of those open closes, whether the open ones are the front's (model calls) or Jetty's (other routes).
 */
class ConnectionCapIT {

    private static final int CAP = 8;
    /** Connections opened at most while looking for the one the cap holds back. */
    private static final int TRIES = 3 * CAP;

    @TempDir
    Path temp;

    private static String request(TestGateway gateway, String path) {
        String host = "Host: 127.0.0.1:" + gateway.state().port() + "\r\n";
        if (path.startsWith("/health")) {
            return "GET " + path + " HTTP/1.1\r\n" + host + "\r\n";
        }
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return "POST " + path + " HTTP/1.1\r\n" + host + "Authorization: Bearer " + gateway.clientKey
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    /** The status line of the answer to {@code request}, its body read away; null when none came in time. */
    private static String call(Socket s, String request) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        try {
            String status = line(in);
            int length = 0;
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(h.substring(15).trim());
                }
            }
            in.readNBytes(length);
            return status;
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1).trim();
    }

    @ParameterizedTest(name = "open connections on {0}")
    @ValueSource(strings = {"/v1/chat/completions", "/health"})
    void aConnectionPastTheCapWaitsUntilAnOpenOneCloses(String heldPath) throws Exception {
        try (TestGateway gateway = TestGateway.start(temp, "server: { max_connections: " + CAP + " }", Map.of())) {
            List<Socket> held = new ArrayList<>();
            Socket waiting = null;
            try {
                // Connections answered and kept open (the test's own HTTP client may hold some too),
                // until one gets no answer: the cap's.
                for (int i = 0; i < TRIES && waiting == null; i++) {
                    Socket s = new Socket("127.0.0.1", gateway.state().port());
                    s.setSoTimeout(1_500);
                    String status = call(s, request(gateway, heldPath));
                    if (status == null) {
                        waiting = s;
                    } else {
                        assertThat(status).isEqualTo("HTTP/1.1 200 OK");
                        held.add(s);
                    }
                }
                assertThat(waiting).as("a connection held back after " + held.size() + " open").isNotNull();
                assertThat(held.size()).isLessThanOrEqualTo(CAP);

                held.removeFirst().close();

                // Its request was sent already: once accepted, it is answered.
                waiting.setSoTimeout(20_000);
                String status = line(waiting.getInputStream());
                assertThat(status).isEqualTo("HTTP/1.1 200 OK");
            } finally {
                for (Socket s : held) {
                    s.close();
                }
                if (waiting != null) {
                    waiting.close();
                }
            }
        }
    }
}
