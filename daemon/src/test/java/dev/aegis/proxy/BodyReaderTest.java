package dev.aegis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.http.ApiException;
import dev.aegis.http.JavalinExchange;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Request bodies read through a real Jetty on loopback: whole, to their end, refused beyond the limit. */
class BodyReaderTest {

    private static final long LIMIT = 64 * 1024;
    private static Javalin server;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.routes.post("/read", ctx -> {
                try {
                    byte[] body = BodyReader.read(JavalinExchange.of(ctx), LIMIT);
                    // Whether Jetty has seen the end of the body: only then does it give the
                    // connection's request buffer back before the call ends.
                    ctx.result(body.length + " " + ctx.req().getInputStream().isFinished());
                } catch (ApiException e) {
                    ctx.status(e.status()).result(e.code());
                }
            });
            c.routes.post("/read-big", ctx -> {
                // Bodies past the first 64 KB buffer: the buffer grows as bytes arrive.
                byte[] body = BodyReader.read(JavalinExchange.of(ctx), 4 * 1024 * 1024);
                ctx.result(body.length + " " + Arrays.hashCode(body) + " " + ctx.req().getInputStream().isFinished());
            });
        }).start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static HttpResponse<String> post(HttpRequest.BodyPublisher body) throws IOException, InterruptedException {
        return post("/read", body);
    }

    private static HttpResponse<String> post(String path, HttpRequest.BodyPublisher body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .version(HttpClient.Version.HTTP_1_1)
                .POST(body)
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBodyWithItsLengthIsReadWholeAndToItsEnd() throws Exception {
        byte[] body = new byte[40_000];
        Arrays.fill(body, (byte) 'a');
        HttpResponse<String> r = post(HttpRequest.BodyPublishers.ofByteArray(body));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("40000 true");
    }

    @Test
    void bodiesLargerThanTheFirstBufferAreReadWholeWithOrWithoutTheirLength() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024 + 12_345];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31 + (i >> 9));
        }
        String expected = body.length + " " + Arrays.hashCode(body) + " true";
        assertThat(post("/read-big", HttpRequest.BodyPublishers.ofByteArray(body)).body()).isEqualTo(expected);
        List<byte[]> pieces = List.of(Arrays.copyOfRange(body, 0, 100_000), Arrays.copyOfRange(body, 100_000, body.length));
        assertThat(post("/read-big", HttpRequest.BodyPublishers.ofByteArrays(pieces)).body()).isEqualTo(expected);
    }

    @Test
    void anEmptyBodyIsReadToItsEnd() throws Exception {
        HttpResponse<String> r = post(HttpRequest.BodyPublishers.noBody());
        assertThat(r.body()).isEqualTo("0 true");
    }

    @Test
    void aChunkedBodyIsReadToItsEnd() throws Exception {
        // A publisher of unknown length makes the client send the body chunked, without a Content-Length.
        List<byte[]> pieces = List.of("{\"model\":".getBytes(StandardCharsets.UTF_8),
                "\"gpt-4o-mini\"}".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = post(HttpRequest.BodyPublishers.ofByteArrays(pieces));
        assertThat(r.body()).isEqualTo("23 true");
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeReading() throws Exception {
        HttpResponse<String> r = post(HttpRequest.BodyPublishers.ofByteArray(new byte[(int) LIMIT + 1]));
        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefused() throws Exception {
        List<byte[]> pieces = List.of(new byte[(int) LIMIT], new byte[1]);
        HttpResponse<String> r = post(HttpRequest.BodyPublishers.ofByteArrays(pieces));
        assertThat(r.statusCode()).isEqualTo(413);
    }
}
