package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aegis's own front for the model calls (docs/adr/0007-a-front-of-our-own-for-the-proxy-routes.md),
 * seen from a client's socket: it serves the calls, hands a connection to Jetty mid-way without
 * losing a byte, answers pipelined calls in order, holds a head and an idle connection to {@code
 * server.read_timeout}, and can be turned off. Every other daemon IT runs through it too.
 */
class FrontIT {

    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path temp;

    private static String post(TestGateway g, String requestId, String extraHeaders) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:" + g.state().port()
                + "\r\nAuthorization: Bearer " + g.clientKey + "\r\nContent-Type: application/json\r\nX-Request-Id: "
                + requestId + "\r\n" + extraHeaders + "Content-Length: " + CHAT.length() + "\r\n\r\n" + CHAT;
    }

    /** One answer read off a connection: status, headers (lower-case names), body. */
    private record Answer(int status, Map<String, String> headers, String body) {}

    private static Answer read(InputStream in) throws IOException {
        String status = line(in);
        Matcher m = Pattern.compile("HTTP/1\\.1 (\\d{3}).*").matcher(status);
        assertThat(m.matches()).as("status line %s", status).isTrue();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h; !(h = line(in)).isEmpty(); ) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equals(headers.get("transfer-encoding"))) {
            for (int size; (size = Integer.parseInt(line(in), 16)) > 0; ) {
                body.write(in.readNBytes(size));
                line(in);
            }
            line(in);
        }
        return new Answer(Integer.parseInt(m.group(1)), headers, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("the connection closed mid-answer");
            }
            line.write(c);
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static double metric(TestGateway g, String name) throws Exception {
        HttpResponse<String> r = Http.get(g.url() + "/metrics", "text/plain");
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(r.body());
        return m.find() ? Double.parseDouble(m.group(2)) : -1;
    }

    /** How a connection ended once the client stopped: "closed" when the daemon closed it. */
    private static String endOf(Socket s) {
        try {
            return s.getInputStream().read() < 0 ? "closed" : "bytes";
        } catch (SocketTimeoutException e) {
            return "still open";
        } catch (IOException e) {
            return "closed";
        }
    }

    @Test
    void aConnectionHandedToJettyMidwayLosesNoByte() throws Exception {
        try (TestGateway g = TestGateway.start(temp); Socket s = new Socket("127.0.0.1", g.state().port())) {
            s.setSoTimeout(10_000);
            double servedBefore = metric(g, "aegis_front_requests_total");
            double handedBefore = metric(g, "aegis_front_handoffs_total");
            // Three requests in one write: the front serves the first, and hands the connection to
            // Jetty at the second with the third's bytes already read.
            String healthz = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: second\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write((post(g, "first", "") + healthz + post(g, "third", "")).getBytes(StandardCharsets.US_ASCII));
            out.flush();

            InputStream in = s.getInputStream();
            Answer first = read(in);
            Answer second = read(in);
            Answer third = read(in);

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.headers()).containsEntry("x-request-id", "first").containsEntry("x-content-type-options", "nosniff");
            assertThat(first.body()).contains("chat.completion");
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.headers()).containsEntry("x-request-id", "second");
            assertThat(third.status()).isEqualTo(200);
            assertThat(third.headers()).containsEntry("x-request-id", "third");
            assertThat(third.body()).contains("chat.completion");
            assertThat(metric(g, "aegis_front_requests_total")).isEqualTo(servedBefore + 1);
            assertThat(metric(g, "aegis_front_handoffs_total")).isGreaterThanOrEqualTo(handedBefore + 1);
        }
    }

    @Test
    void pipelinedCallsAreAnsweredInOrderOnTheFront() throws Exception {
        try (TestGateway g = TestGateway.start(temp); Socket s = new Socket("127.0.0.1", g.state().port())) {
            s.setSoTimeout(10_000);
            double servedBefore = metric(g, "aegis_front_requests_total");
            s.getOutputStream().write((post(g, "one", "") + post(g, "two", "") + post(g, "three", "Connection: close\r\n"))
                    .getBytes(StandardCharsets.US_ASCII));

            InputStream in = s.getInputStream();
            assertThat(read(in).headers()).containsEntry("x-request-id", "one");
            assertThat(read(in).headers()).containsEntry("x-request-id", "two");
            Answer last = read(in);
            assertThat(last.headers()).containsEntry("x-request-id", "three").containsEntry("connection", "close");
            assertThat(endOf(s)).isEqualTo("closed");
            assertThat(metric(g, "aegis_front_requests_total")).isEqualTo(servedBefore + 3);
            assertThat(g.fake.requests()).hasSize(3);
        }
    }

    @Test
    void aHeadLargerThanTheFrontsBufferIsServedByJettyFromTheBytesTheFrontRead() throws Exception {
        try (TestGateway g = TestGateway.start(temp); Socket s = new Socket("127.0.0.1", g.state().port())) {
            s.setSoTimeout(10_000);
            double handedBefore = metric(g, "aegis_front_handoffs_total");
            s.getOutputStream().write(post(g, "big", "X-Pad: " + "p".repeat(6000) + "\r\n").getBytes(StandardCharsets.US_ASCII));

            Answer a = read(s.getInputStream());

            assertThat(a.status()).isEqualTo(200);
            assertThat(a.headers()).containsEntry("x-request-id", "big");
            assertThat(g.fake.requests().getLast().bodyText()).isEqualTo(CHAT);
            assertThat(metric(g, "aegis_front_handoffs_total")).isEqualTo(handedBefore + 1);
        }
    }

    @Test
    void aDrippedHeadAndAnIdleConnectionAreClosedAtTheReadTimeout() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "server: { read_timeout: 1s }", Map.of());
                Socket dripping = new Socket("127.0.0.1", g.state().port());
                Socket idle = new Socket("127.0.0.1", g.state().port())) {
            idle.setSoTimeout(10_000);
            idle.getOutputStream().write(post(g, "idle", "").getBytes(StandardCharsets.US_ASCII));
            assertThat(read(idle.getInputStream()).status()).isEqualTo(200);

            dripping.setSoTimeout(10_000);
            byte[] head = post(g, "drip", "").getBytes(StandardCharsets.US_ASCII);
            OutputStream out = dripping.getOutputStream();
            long started = System.nanoTime();
            String ended = "not closed";
            for (int i = 0; i < 100 && i < head.length - CHAT.length() - 4; i++) {
                try {
                    out.write(head[i]);
                    out.flush();
                } catch (IOException e) {
                    ended = "closed";
                    break;
                }
                Thread.sleep(100); // a drip: the client's pace, not a wait for the daemon
            }
            if (!ended.equals("closed")) {
                ended = endOf(dripping);
            }
            long tookMs = (System.nanoTime() - started) / 1_000_000;

            assertThat(ended).isEqualTo("closed");
            assertThat(tookMs).as("closed after the 1 s read timeout, not at the end of the drip").isLessThan(5_000);
            assertThat(endOf(idle)).isEqualTo("closed");
        }
    }

    @Test
    void aCallHandedToJettyMayOutlastTheHeadDeadline() throws Exception {
        // A chunked body is Jetty's: each connection is handed over with its whole head read, which
        // Jetty parses at once; the call then waits 1.5 s on the provider, longer than the 1 s head
        // deadline, which must have stopped at the head's end. (HeadDeadline starts the deadline
        // before the buffered head goes to the parser; started after it, as it was, a parser thread
        // quicker than the opening one would have left it running. That order is not forced here:
        // the parser's new thread has always been the slower one in these runs.)
        try (TestGateway g = TestGateway.start(temp, "server: { read_timeout: 1s }", Map.of())) {
            g.fake.headerDelay(java.time.Duration.ofMillis(1500));
            java.util.List<Socket> sockets = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    Socket s = new Socket("127.0.0.1", g.state().port());
                    s.setSoTimeout(10_000);
                    String chunk = Integer.toHexString(CHAT.length()) + "\r\n" + CHAT + "\r\n0\r\n\r\n";
                    s.getOutputStream().write(post(g, "chunked-" + i, "Transfer-Encoding: chunked\r\n")
                            .replace("Content-Length: " + CHAT.length() + "\r\n\r\n" + CHAT, "\r\n" + chunk)
                            .getBytes(StandardCharsets.US_ASCII));
                    sockets.add(s);
                }
                for (int i = 0; i < sockets.size(); i++) {
                    Answer a = read(sockets.get(i).getInputStream());
                    assertThat(a.status()).isEqualTo(200);
                    assertThat(a.headers()).containsEntry("x-request-id", "chunked-" + i);
                }
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    /** Whether a platform thread of the front's is waiting on a connection for its next request. */
    private static boolean platformThreadWaitsForARequest() {
        return Thread.getAllStackTraces().entrySet().stream() // platform threads only
                .filter(e -> e.getKey().getName().startsWith("aegis-front-lone"))
                .anyMatch(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getMethodName().equals("readHead")));
    }

    @Test
    void aConnectionMovesOffItsPlatformThreadUnderLoadAndBackWhenCalmLosingNoCall() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "server: { platform_threads: 1 }", Map.of());
                Socket s = new Socket("127.0.0.1", g.state().port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            int[] n = {0};
            Runnable call = () -> {
                try {
                    String id = "call-" + n[0]++;
                    out.write(post(g, id, "").getBytes(StandardCharsets.US_ASCII));
                    Answer a = read(in);
                    assertThat(a.status()).isEqualTo(200);
                    assertThat(a.headers()).containsEntry("x-request-id", id);
                    assertThat(a.body()).contains("chat.completion");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            call.run();
            assertThat(Poll.within(5_000, FrontIT::platformThreadWaitsForARequest))
                    .as("a lone connection waits on a platform thread").isTrue();

            // Two streams held open by the provider: calls at work beside this connection's.
            g.fake.holdStreamsAfterFirstEvent();
            List<HttpResponse<InputStream>> streams = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    HttpResponse<InputStream> r = Http.open(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"stream\":true}"));
                    assertThat(Http.readEvent(r.body())).startsWith("data: ");
                    streams.add(r);
                }
                call.run();
                assertThat(Poll.within(5_000, () -> !platformThreadWaitsForARequest()))
                        .as("under load the connection went on on a virtual thread").isTrue();
                call.run();
            } finally {
                g.fake.releaseStreams();
            }
            for (HttpResponse<InputStream> r : streams) {
                assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).endsWith("data: [DONE]\n\n");
            }

            // Calm again (no load for a second): at a request boundary it moves back.
            assertThat(Poll.within(10_000, () -> {
                call.run();
                return platformThreadWaitsForARequest();
            })).as("alone and calm, the connection waits on a platform thread again").isTrue();
            call.run();
            assertThat(g.fake.requests()).hasSize(n[0] + 2);
        }
    }

    @Test
    void aLoneConnectionOnAPlatformThreadWaitsForItsNextRequestWithoutAsking() throws Exception {
        assertThat(pollsForCallsSentAtOnce("server: { busy_poll: 10ms }"))
                .as("asks for the next request on a platform thread (the kernel wakes it directly)").isZero();
    }

    @Test
    void aLoneConnectionOnAVirtualThreadAsksForItsNextRequestBeforeParking() throws Exception {
        assertThat(pollsForCallsSentAtOnce("server: { busy_poll: 10ms, platform_threads: 0 }"))
                .as("asks for the next request on a virtual thread").isPositive();
    }

    @Test
    void aConnectionOnAVirtualThreadLetsTheCallsAtWorkRunBeforeReadingItsNextRequest() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "server: { platform_threads: 0 }", Map.of());
                Socket s = new Socket("127.0.0.1", g.state().port())) {
            s.setSoTimeout(10_000);
            callsInTurn(g, s, "alone-", 5);
            // At most the read after the last call, which may overlap this scrape of /metrics (a call at work).
            double alone = metric(g, "aegis_front_read_yields_total");
            assertThat(alone).as("no other call at work: read at once").isLessThanOrEqualTo(1);

            // A stream held open by the provider: a call at work beside this connection's.
            g.fake.holdStreamsAfterFirstEvent();
            try {
                HttpResponse<InputStream> held = Http.open(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"stream\":true}"));
                assertThat(Http.readEvent(held.body())).startsWith("data: ");
                callsInTurn(g, s, "beside-", 5);
                // Before the reads of beside-1 to beside-4 at least (the one after beside-4 may come after the scrape).
                assertThat(metric(g, "aegis_front_read_yields_total") - alone)
                        .as("the held call at work: yields before reading the next request").isGreaterThanOrEqualTo(4);
            } finally {
                g.fake.releaseStreams();
            }
        }
    }

    /** Sends {@code count} calls on {@code s}, each once the answer before it is read. */
    private static void callsInTurn(TestGateway g, Socket s, String prefix, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            s.getOutputStream().write(post(g, prefix + i, "").getBytes(StandardCharsets.US_ASCII));
            Answer a = read(s.getInputStream());
            assertThat(a.status()).as("call %s%d", prefix, i).isEqualTo(200);
            assertThat(a.headers()).containsEntry("x-request-id", prefix + i);
        }
    }

    /**
     * Sends calls on one connection, each as soon as the answer before it is read, and returns how
     * many times the front asked for the next request before waiting ({@code aegis_front_next_request_polls_total}).
     */
    private double pollsForCallsSentAtOnce(String yaml) throws Exception {
        try (TestGateway g = TestGateway.start(temp, yaml, Map.of()); Socket s = new Socket("127.0.0.1", g.state().port())) {
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            callsInTurn(g, s, "at-once-", 20);
            assertThat(metric(g, "aegis_front_requests_total")).as("every call served by the front").isGreaterThanOrEqualTo(20);
            return metric(g, "aegis_front_next_request_polls_total");
        }
    }

    @Test
    void withTheFrontOffJettyServesTheCallsItself() throws Exception {
        try (TestGateway g = TestGateway.start(temp, "server: { front: false }", Map.of());
                Socket s = new Socket("127.0.0.1", g.state().port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write((post(g, "one", "") + post(g, "two", "")).getBytes(StandardCharsets.US_ASCII));

            assertThat(read(s.getInputStream()).headers()).containsEntry("x-request-id", "one");
            assertThat(read(s.getInputStream()).headers()).containsEntry("x-request-id", "two");
            assertThat(metric(g, "aegis_front_requests_total")).isEqualTo(-1);
        }
    }
}
