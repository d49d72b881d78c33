package dev.aegis.proxy.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.testing.RefusedPort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The upstream HTTP/1.1 client against a scripted server that writes exact bytes. */
class Http1ClientTest {

    /** One scripted connection: reads requests and answers each as the test says. */
    interface Script {
        void serve(Socket s, InputStream in, OutputStream out) throws Exception;
    }

    private final Http1Client client = new Http1Client(Duration.ofSeconds(2), Duration.ofNanos(100_000), () -> 1);
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private ServerSocket server;

    @AfterEach
    void tearDown() throws IOException {
        client.close();
        if (server != null) {
            server.close();
        }
    }

    private URI serve(Script script) throws IOException {
        return serve(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), script, "http");
    }

    private URI serve(ServerSocket socket, Script script, String scheme) {
        server = socket;
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            script.serve(s, s.getInputStream(), s.getOutputStream());
                        } catch (Exception e) {
                            // the test decides what a dropped connection means
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        return URI.create(scheme + "://" + (scheme.equals("https") ? "localhost" : "127.0.0.1") + ":"
                + server.getLocalPort() + "/v1/chat/completions?beta=true");
    }

    /** Reads one request (head and Content-Length body) and remembers it; null at the connection's end. */
    private String readRequest(InputStream in) throws IOException {
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
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        String request = h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
        requests.add(request);
        return request;
    }

    private static HttpRequest post(URI uri, String body) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .header("X-Stainless-Lang", "js").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String text(HttpResponse<InputStream> r) throws IOException {
        try (InputStream in = r.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void sendsTheRequestAsGivenWithHostLengthAndAUserAgent() throws Exception {
        URI uri = serve((s, in, out) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        });

        // A header's bytes above 0x7F (obs-text: a client's UTF-8, read by the front one byte a char) go out as they came.
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(post(uri, "{\"model\":\"x\"}"), (n, v) -> true)
                .header("X-Note", "a\u00c4\u008d\u008ab").build());

        assertThat(text(r)).isEqualTo("ok");
        assertThat(requests.getFirst()).contains("\r\nX-Note: a\u00c4\u008d\u008ab\r\n");
        assertThat(requests.getFirst()).startsWith("POST /v1/chat/completions?beta=true HTTP/1.1\r\n")
                .contains("\r\nHost: 127.0.0.1:" + uri.getPort() + "\r\n", "\r\nContent-Type: application/json\r\n",
                        "\r\nX-Stainless-Lang: js\r\n", "\r\nContent-Length: 13\r\n", "\r\nUser-Agent: Aegis/")
                .endsWith("\r\n\r\n{\"model\":\"x\"}");
    }

    @Test
    void keepAliveAnswersReuseOneConnection() throws Exception {
        URI uri = serve((s, in, out) -> {
            while (readRequest(in) != null) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"n\":\"one\"}");
            }
        });

        for (int i = 0; i < 3; i++) {
            HttpResponse<InputStream> r = client.send(post(uri, "{}"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(text(r)).isEqualTo("{\"n\":\"one\"}");
        }
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void chunkedEventsArriveAsTheyAreSentNotWhenTheAnswerEnds() throws Exception {
        CountDownLatch rest = new CountDownLatch(1);
        URI uri = serve((s, in, out) -> {
            readRequest(in);
            // As Jetty writes chunks: the line break ending a chunk's data comes in front of the next chunk.
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "d\r\ndata: first\n\n");
            rest.await(5, TimeUnit.SECONDS);
            write(out, "\r\ne\r\ndata: second\n\n\r\n0\r\n\r\n");
        });

        HttpResponse<InputStream> r = client.send(post(uri, "{}"));
        byte[] buf = new byte[1024];
        int n = r.body().read(buf);

        assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).isEqualTo("data: first\n\n");
        rest.countDown();
        assertThat(text(r)).isEqualTo("data: second\n\n");
    }

    @Test
    void availableCountsTheBodyBytesAReadReturnsWithoutWaitingChunkFramingExcluded() throws Exception {
        CountDownLatch rest = new CountDownLatch(1);
        URI uri = serve((s, in, out) -> {
            readRequest(in);
            // One packet: the head, a whole chunk, the next chunk's framing and the start of its data.
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "d\r\ndata: first\n\n\r\ne\r\ndata: se");
            rest.await(5, TimeUnit.SECONDS);
            write(out, "cond\n\n\r\n0\r\n\r\n");
        });

        HttpResponse<InputStream> r = client.send(post(uri, "{}"));
        InputStream body = r.body();
        byte[] buf = new byte[1024];

        assertThat(body.available()).as("the first chunk's data").isEqualTo(13);
        assertThat(new String(buf, 0, body.read(buf), StandardCharsets.UTF_8)).isEqualTo("data: first\n\n");
        assertThat(body.available()).as("the second chunk's data that arrived").isEqualTo(8);
        assertThat(new String(buf, 0, body.read(buf), StandardCharsets.UTF_8)).isEqualTo("data: se");
        assertThat(body.available()).as("nothing more until the provider sends it").isZero();
        rest.countDown();
        assertThat(text(r)).isEqualTo("cond\n\n");
        assertThat(body.available()).as("after the end").isZero();
    }

    @Test
    void aChunkWhoseSizeLineHasNotArrivedWholeIsNotAvailable() throws Exception {
        CountDownLatch rest = new CountDownLatch(1);
        URI uri = serve((s, in, out) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "d\r\ndata: first\n\n\r\ne");
            rest.await(5, TimeUnit.SECONDS);
            write(out, "\r\ndata: second\n\n\r\n0\r\n\r\n");
        });

        HttpResponse<InputStream> r = client.send(post(uri, "{}"));
        byte[] buf = new byte[1024];
        assertThat(new String(buf, 0, r.body().read(buf), StandardCharsets.UTF_8)).isEqualTo("data: first\n\n");

        assertThat(r.body().available()).as("a read now would wait for the rest of the size line").isZero();
        rest.countDown();
        assertThat(text(r)).isEqualTo("data: second\n\n");
    }

    @Test
    void anAnswerEndedByClosingIsReadToTheEndAndItsConnectionNotReused() throws Exception {
        URI uri = serve((s, in, out) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it");
        });

        assertThat(text(client.send(post(uri, "{}")))).isEqualTo("all of it");
        assertThat(text(client.send(post(uri, "{}")))).isEqualTo("all of it");
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void aPooledConnectionTheProviderClosedIsReplacedOnce() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        URI uri = serve((s, in, out) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            // then closes the connection, as a provider does with idle keep-alive connections
            s.close();
            closed.countDown();
        });

        assertThat(text(client.send(post(uri, "{}")))).isEqualTo("ok");
        assertThat(closed.await(10, TimeUnit.SECONDS)).as("the provider closed the first connection").isTrue();
        assertThat(text(client.send(post(uri, "{}")))).isEqualTo("ok");
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void noAnswerWithinTheRequestsTimeoutIsATimeout() throws Exception {
        URI uri = serve((s, in, out) -> {
            readRequest(in);
            Thread.sleep(5_000);
        });

        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(200))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();

        assertThatThrownBy(() -> client.send(request)).isInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void nothingListeningIsAConnectException() throws Exception {
        try (RefusedPort refused = RefusedPort.open()) {
            HttpRequest request = post(URI.create("http://127.0.0.1:" + refused.port() + "/v1/x"), "{}");

            assertThatThrownBy(() -> client.send(request)).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void closingTheBodyFromAnotherThreadEndsAWaitingRead() throws Exception {
        URI uri = serve((s, in, out) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n");
            Thread.sleep(5_000);
        });
        HttpResponse<InputStream> r = client.send(post(uri, "{}"));
        InputStream body = r.body();
        assertThat(body.read(new byte[16])).isEqualTo(5);

        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                body.close();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        long start = System.nanoTime();

        assertThatThrownBy(() -> body.read(new byte[16])).isInstanceOf(IOException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void errorsAndInterimAnswersKeepTheirStatusAndBody() throws Exception {
        URI uri = serve((s, in, out) -> {
            readRequest(in);
            write(out, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429 Too Many Requests\r\nretry-after-ms: 20\r\n"
                    + "Content-Length: 9\r\n\r\n{\"e\":429}");
        });

        HttpResponse<InputStream> r = client.send(post(uri, "{}"));

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After-Ms")).hasValue("20");
        assertThat(text(r)).isEqualTo("{\"e\":429}");
    }

    @Test
    void httpsWithTheProvidersCertificateChecked(@TempDir Path temp) throws Exception {
        Path store = temp.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost", "-ext",
                "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0)
                .as(new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isTrue();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);
        SSLServerSocket socket = (SSLServerSocket) serverTls.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        URI uri = serve(socket, (s, in, out) -> {
            while (readRequest(in) != null) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret");
            }
        }, "https");

        try (Http1Client tls = new Http1Client(Duration.ofSeconds(5), Duration.ofNanos(100_000), () -> 1, clientTls.getSocketFactory())) {
            HttpResponse<InputStream> r = tls.send(post(uri, "{}"));
            assertThat(r.sslSession()).isPresent();
            assertThat(text(r)).isEqualTo("secret");
            assertThat(requests.getFirst()).contains("\r\nHost: localhost:" + uri.getPort() + "\r\n");
            // The idle check before reuse reads the TCP socket under TLS: a quiet connection is reused.
            assertThat(text(tls.send(post(uri, "{}")))).isEqualTo("secret");
            assertThat(connections.get()).isEqualTo(1);
        }
        // The default trust store does not know this certificate: the handshake fails, nothing is sent.
        assertThatThrownBy(() -> client.send(post(uri, "{}"))).isInstanceOf(IOException.class);
        assertThat(requests).hasSize(2);
    }

    @Test
    void repeatedContentLengthsThatAgreeAreOneLengthAndTheConnectionIsReused() throws Exception {
        URI uri = serve((s, in, out) -> {
            while (readRequest(in) != null) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length: 2, 2\r\n\r\nok");
            }
        });

        assertThat(text(client.send(post(uri, "{}")))).isEqualTo("ok");
        assertThat(text(client.send(post(uri, "{}")))).isEqualTo("ok");
        assertThat(connections.get()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: 0x2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nok",
        "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: 1\r\n\tContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\n: no name\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n",
        "HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 -20 OK\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/2 200 OK\r\nContent-Length: 2\r\n\r\nok",
    })
    void anAnswerWhoseFramingIsAmbiguousIsRefusedAndItsConnectionClosed(String answer) throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        URI uri = serve((s, in, out) -> {
            readRequest(in);
            write(out, answer);
            if (readRequest(in) == null) {
                closed.countDown();
            }
        });

        assertThatThrownBy(() -> client.send(post(uri, "{}"))).isInstanceOf(MalformedAnswerException.class);
        assertThat(closed.await(5, TimeUnit.SECONDS)).as("the client closed the connection").isTrue();
    }

    @Test
    void aHeadOfAHundredFieldsIsAcceptedAndOneMoreIsNot() throws Exception {
        String fields = IntStream.range(0, 99).mapToObj(i -> "X-Pad-" + i + ": v\r\n").collect(Collectors.joining());
        AtomicInteger answers = new AtomicInteger();
        URI uri = serve((s, in, out) -> {
            while (readRequest(in) != null) {
                String extra = answers.getAndIncrement() == 0 ? "" : "X-One-More: v\r\n";
                write(out, "HTTP/1.1 200 OK\r\n" + fields + extra + "Content-Length: 2\r\n\r\nok");
            }
        });

        assertThat(text(client.send(post(uri, "{}")))).isEqualTo("ok");
        assertThatThrownBy(() -> client.send(post(uri, "{}"))).isInstanceOf(MalformedAnswerException.class)
                .hasMessageContaining("100 fields");
    }

    @Test
    void endlessInterimAnswersAreRefused() throws Exception {
        URI uri = serve((s, in, out) -> {
            readRequest(in);
            write(out, "HTTP/1.1 103 Early Hints\r\n\r\n".repeat(11) + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        });

        assertThatThrownBy(() -> client.send(post(uri, "{}"))).isInstanceOf(MalformedAnswerException.class);
    }

    @Test
    void chunkSizesAreHexDigitsWithOptionalExtensions() throws Exception {
        assertThat(ResponseBody.chunkSize("1a")).isEqualTo(26);
        assertThat(ResponseBody.chunkSize("1A;name=value")).isEqualTo(26);
        assertThat(ResponseBody.chunkSize("10 ;x")).isEqualTo(16);
        assertThat(ResponseBody.chunkSize("0")).isZero();
        for (String bad : List.of("", " 5", "+5", "-0", "0x5", "5 5", "g", "1234567890abcdef0")) {
            assertThatThrownBy(() -> ResponseBody.chunkSize(bad)).as(bad).isInstanceOf(MalformedAnswerException.class);
        }
    }

    /** The first connection answers one request, reads the next and closes without answering; others answer all. */
    private URI closingAfterTheSecondRequest() throws IOException {
        return serve((s, in, out) -> {
            boolean first = connections.get() == 1;
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            if (first) {
                readRequest(in);
                return;
            }
            while (readRequest(in) != null) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        });
    }

    @Test
    void aGetThatAPooledConnectionFailedAfterItWasWrittenIsSentAgain() throws Exception {
        URI uri = closingAfterTheSecondRequest();
        HttpRequest get = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();

        assertThat(text(client.send(get))).isEqualTo("ok");
        assertThat(text(client.send(get))).isEqualTo("ok");
        assertThat(requests).as("the second GET reached both connections").hasSize(3);
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void aPostThatAPooledConnectionFailedAfterItWasWrittenIsNotSentAgain() throws Exception {
        URI uri = closingAfterTheSecondRequest();

        assertThat(text(client.send(post(uri, "{\"n\":1}")))).isEqualTo("ok");
        assertThatThrownBy(() -> client.send(post(uri, "{\"n\":2}"))).isInstanceOf(IOException.class);
        assertThat(requests).as("the provider may have acted on the second POST: it went out once").hasSize(2);
        assertThat(connections.get()).isEqualTo(1);
    }
}
