package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.keys.NewKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A provider whose answer is framed ambiguously, or followed by bytes that are not part of it, behind a
 * real daemon: the caller gets 502 JSON (or its whole answer), the connection is closed, and the next
 * call — with another key — never receives the leftover bytes as its answer. The provider is a raw
 * {@link ServerSocket} that writes exact bytes: on its first connection the case's answer followed by a
 * complete "smuggled" answer, then an honest answer to any later request on that connection; every later
 * connection answers honestly.
 */
class UpstreamFramingIT {

    /** One attempt per call, so what the client sees is what the HTTP client made of one answer. */
    private static final String ONE_ATTEMPT = "retry: { attempts: 1 }\n";

    private static final String FIRST = completion("first");
    private static final String SMUGGLED = answer(completion("SMUGGLED"));

    @TempDir
    Path temp;

    static Stream<Arguments> ambiguousAnswers() {
        return Stream.of(
                Arguments.of("two different Content-Lengths (the last one fits)",
                        head("HTTP/1.1 200 OK", "Content-Length: 999", "Content-Length: " + FIRST.length()) + FIRST),
                Arguments.of("an invalid Content-Length (+N)", head("HTTP/1.1 200 OK", "Content-Length: +" + FIRST.length())
                        + FIRST),
                Arguments.of("Content-Length and Transfer-Encoding: chunked",
                        head("HTTP/1.1 200 OK", "Transfer-Encoding: chunked", "Content-Length: " + FIRST.length())
                                + chunked(FIRST)),
                Arguments.of("a transfer coding other than chunked, with a Content-Length",
                        head("HTTP/1.1 200 OK", "Transfer-Encoding: gzip", "Content-Length: " + FIRST.length()) + FIRST),
                Arguments.of("a transfer coding Aegis cannot undo before chunked",
                        head("HTTP/1.1 200 OK", "Transfer-Encoding: gzip, chunked") + chunked(FIRST)),
                Arguments.of("chunked on an HTTP/1.0 answer",
                        head("HTTP/1.0 200 OK", "Connection: keep-alive", "Transfer-Encoding: chunked") + chunked(FIRST)),
                Arguments.of("a folded header line that reads as a Content-Length",
                        head("HTTP/1.1 200 OK", "X-Note: a", " Content-Length: " + FIRST.length()) + FIRST),
                Arguments.of("101 header lines", head("HTTP/1.1 200 OK", padding(100, 10), "Content-Length: " + FIRST.length())
                        + FIRST),
                Arguments.of("a head of 100 KB in 50 lines",
                        head("HTTP/1.1 200 OK", padding(50, 2_000), "Content-Length: " + FIRST.length()) + FIRST));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ambiguousAnswers")
    void anAmbiguousAnswerIs502AndItsConnectionIsClosedNotReused(String name, String answer) throws Exception {
        try (RawProvider provider = new RawProvider((p, conn, in, out) -> {
                    p.read(in);
                    write(out, answer + SMUGGLED);
                    p.honestUntilClosed(in, out);
                });
                TestGateway g = TestGateway.start(temp, ONE_ATTEMPT, provider.env())) {
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
            assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("upstream_unavailable");
            assertThat(r.body()).doesNotContain("SMUGGLED", "first");
            assertThat(g.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow()).status()).isEqualTo(502);
            assertThat(provider.firstConnectionClosed.await(5, TimeUnit.SECONDS))
                    .as("the daemon closed the connection that carried the ambiguous answer").isTrue();
            assertTheNextCallIsAnsweredHonestly(g, provider);
        }
    }

    @Test
    void anAmbiguousAnswerIsNotRetriedEvenWithRetriesOn() throws Exception {
        String conflicting = head("HTTP/1.1 200 OK", "Content-Length: 999", "Content-Length: " + FIRST.length()) + FIRST;
        try (RawProvider provider = new RawProvider((p, conn, in, out) -> {
                    p.read(in);
                    write(out, conflicting);
                    p.honestUntilClosed(in, out);
                });
                TestGateway g = TestGateway.start(temp, "retry: { attempts: 3, base_delay: 10ms, max_delay: 20ms }\n",
                        provider.env())) {
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
            assertThat(Http.json(r.body()).at("/error/message").asText()).contains("sent a broken answer");
            assertThat(provider.requests).as("the provider answered (and may have billed) once: not sent again")
                    .hasSize(1);
        }
    }

    static Stream<Arguments> answersFollowedByForeignBytes() {
        return Stream.of(
                Arguments.of("bytes after a Content-Length body", head("HTTP/1.1 200 OK", "Content-Type: application/json",
                        "Content-Length: " + FIRST.length()) + FIRST),
                Arguments.of("bytes after a chunked body",
                        head("HTTP/1.1 200 OK", "Content-Type: application/json", "Transfer-Encoding: chunked")
                                + chunked(FIRST)),
                Arguments.of("a body on a 204", head("HTTP/1.1 204 No Content")),
                Arguments.of("a body on a 304", head("HTTP/1.1 304 Not Modified", "Content-Length: " + SMUGGLED.length())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answersFollowedByForeignBytes")
    void bytesBeyondAnAnswerAreNeverTheNextCallsAnswer(String name, String answer) throws Exception {
        try (RawProvider provider = new RawProvider((p, conn, in, out) -> {
                    p.read(in);
                    write(out, answer + SMUGGLED);
                    p.honestUntilClosed(in, out);
                });
                TestGateway g = TestGateway.start(temp, ONE_ATTEMPT, provider.env())) {
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));

            assertThat(r.body()).doesNotContain("SMUGGLED");
            if (answer.startsWith("HTTP/1.1 200")) {
                assertThat(r.statusCode()).as("the answer itself is whole: it is served").isEqualTo(200);
                assertThat(Http.json(r.body()).at("/choices/0/message/content").asText()).isEqualTo("first");
            }
            assertTheNextCallIsAnsweredHonestly(g, provider);
            assertThat(provider.firstConnectionClosed.await(5, TimeUnit.SECONDS))
                    .as("the daemon closed the connection with bytes left on it").isTrue();
        }
    }

    @Test
    void bytesThatArriveAfterTheAnswerWasServedAreNeverTheNextCallsAnswer() throws Exception {
        CountDownLatch served = new CountDownLatch(1);
        CountDownLatch sent = new CountDownLatch(1);
        try (RawProvider provider = new RawProvider((p, conn, in, out) -> {
                    p.read(in);
                    write(out, answer(FIRST));
                    served.await();
                    write(out, SMUGGLED); // on loopback, in the daemon's socket buffer once write returns
                    sent.countDown();
                    p.honestUntilClosed(in, out);
                });
                TestGateway g = TestGateway.start(temp, ONE_ATTEMPT, provider.env())) {
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));
            assertThat(r.statusCode()).isEqualTo(200);
            served.countDown();
            assertThat(sent.await(5, TimeUnit.SECONDS)).isTrue();

            assertTheNextCallIsAnsweredHonestly(g, provider);
            assertThat(provider.firstConnectionClosed.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aPostThatReachedAPooledConnectionIsNotSentAgainWhenTheProviderCloses() throws Exception {
        try (RawProvider provider = new RawProvider((p, conn, in, out) -> {
                    p.read(in);
                    write(out, answer(FIRST));
                    p.read(in); // the second call's request arrives...
                    // ...and the provider closes without answering: it may have acted on it
                });
                TestGateway g = TestGateway.start(temp, ONE_ATTEMPT, provider.env())) {
            assertThat(Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}")).statusCode()).isEqualTo(200);
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"n\":2}"));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
            assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("upstream_unavailable");
            assertThat(provider.requests.stream().filter(b -> b.contains("\"n\":2")))
                    .as("the POST reached the provider once and was not re-sent").hasSize(1);
        }
    }

    @Test
    void aPooledConnectionTheProviderClosedWhileIdleIsNotWrittenTo() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        try (RawProvider provider = new RawProvider((p, conn, in, out) -> {
                    p.read(in);
                    write(out, answer(FIRST));
                    conn.close(); // an idle keep-alive connection closed by the provider (FIN on loopback at once)
                    closed.countDown();
                });
                TestGateway g = TestGateway.start(temp, ONE_ATTEMPT, provider.env())) {
            assertThat(Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}")).statusCode()).isEqualTo(200);
            assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();

            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));

            assertThat(r.statusCode()).as("seen closed before writing: sent on a new connection, with one attempt")
                    .isEqualTo(200);
            assertThat(Http.json(r.body()).at("/choices/0/message/content").asText()).isEqualTo("honest");
            assertThat(provider.connections.get()).isEqualTo(2);
        }
    }

    private static void assertTheNextCallIsAnsweredHonestly(TestGateway g, RawProvider provider) throws Exception {
        String otherKey = g.mintKey(new NewKey("other", "default", false, List.of(), null, null, null, null));
        HttpResponse<String> next = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}")
                .setHeader("Authorization", "Bearer " + otherKey));

        assertThat(next.body()).as("the next call (another key)").doesNotContain("SMUGGLED");
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        assertThat(Http.json(next.body()).at("/choices/0/message/content").asText()).isEqualTo("honest");
        assertThat(provider.connections.get()).as("answered on a new connection").isGreaterThanOrEqualTo(2);
    }

    // ---- the raw provider and its bytes ----

    private static String completion(String content) {
        return "{\"id\":\"chatcmpl-" + content + "\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";
    }

    /** A whole, well-framed 200 answer. */
    private static String answer(String json) {
        return head("HTTP/1.1 200 OK", "Content-Type: application/json", "Content-Length: " + json.length()) + json;
    }

    private static String head(String statusLine, String... fields) {
        StringBuilder sb = new StringBuilder(statusLine).append("\r\n");
        for (String f : fields) {
            sb.append(f).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    private static String chunked(String body) {
        return Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
    }

    /** {@code lines} header lines (joined by CRLF) of about {@code size} bytes each. */
    private static String padding(int lines, int size) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            if (i > 0) {
                sb.append("\r\n");
            }
            sb.append("X-Pad-").append(i).append(": ").append("p".repeat(size));
        }
        return sb.toString();
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** What the provider does on its first connection. */
    interface FirstConnection {
        void serve(RawProvider p, Socket conn, InputStream in, OutputStream out) throws Exception;
    }

    /** A provider on a raw server socket: scripted bytes on its first connection, honest answers on the others. */
    static final class RawProvider implements AutoCloseable {

        final ServerSocket server;
        final AtomicInteger connections = new AtomicInteger();
        final List<String> requests = new CopyOnWriteArrayList<>();
        final CountDownLatch firstConnectionClosed = new CountDownLatch(1);
        private final Thread acceptor;

        RawProvider(FirstConnection first) throws IOException {
            this(first, false);
        }

        /** A provider that serves every connection as {@code first} (not only the first one). */
        static RawProvider servingEveryConnection(FirstConnection each) throws IOException {
            return new RawProvider(each, true);
        }

        private RawProvider(FirstConnection first, boolean everyConnection) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    Socket s;
                    try {
                        s = server.accept();
                    } catch (IOException e) {
                        return;
                    }
                    int n = connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            if (n == 1 || everyConnection) {
                                first.serve(this, s, s.getInputStream(), s.getOutputStream());
                            } else {
                                answerHonestly(s.getInputStream(), s.getOutputStream());
                            }
                        } catch (Exception e) {
                            // the daemon closed the connection: what the test looks at
                        }
                    });
                }
            });
        }

        Map<String, String> env() {
            return Map.of("AEGIS_OPENAI_BASE_URL", "http://127.0.0.1:" + server.getLocalPort() + "/v1");
        }

        /** On the first connection: answers every further request honestly until the daemon closes it. */
        void honestUntilClosed(InputStream in, OutputStream out) throws IOException {
            try {
                answerHonestly(in, out);
            } finally {
                firstConnectionClosed.countDown();
            }
        }

        private void answerHonestly(InputStream in, OutputStream out) throws IOException {
            while (read(in) != null) {
                write(out, answer(completion("honest")));
            }
        }

        /** Reads one request (head and Content-Length body) and keeps its body; null when the daemon closed. */
        String read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    break;
                }
            }
            if (b < 0) {
                return null;
            }
            int length = 0;
            for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
                if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            requests.add(body);
            return body;
        }

        @Override
        public void close() throws Exception {
            server.close();
            acceptor.join();
        }
    }
}
