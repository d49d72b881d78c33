package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.fakeprovider.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A body sent compressed is read as the provider would read it: decoded before it is inspected,
 * priced and scanned for secrets, and forwarded decoded; codings Aegis cannot read are refused, never
 * forwarded unscanned.
 */
class CompressedBodyIT {

    private static final String GITHUB = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path temp;

    TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start(temp, "server: { max_body: 1MB }", java.util.Map.of());
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    private HttpResponse<String> post(String path, String contentEncoding, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.url() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + gateway.clientKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentEncoding != null) {
            b.header("Content-Encoding", contentEncoding);
        }
        return Http.send(b);
    }

    private static byte[] gzip(String text) throws IOException {
        return gzip(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(String text, boolean zlib) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, !zlib))) {
            z.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private List<RecordedRequest> sentSince(int seen) {
        List<RecordedRequest> all = gateway.fake.requests();
        return all.subList(seen, all.size());
    }

    @Test
    void aCompressedCallIsReadDecodedAndForwardedDecoded() throws Exception {
        int seen = gateway.fake.requests().size();
        HttpResponse<String> gz = post("/v1/chat/completions", "gzip", gzip(CHAT));
        HttpResponse<String> zlib = post("/v1/chat/completions", "deflate", deflate(CHAT, true));
        HttpResponse<String> bare = post("/v1/chat/completions", "deflate", deflate(CHAT, false));
        for (HttpResponse<String> r : List.of(gz, zlib, bare)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(gateway.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow()).costNanos()).isPositive();
        }
        List<RecordedRequest> sent = sentSince(seen);
        assertThat(sent).hasSize(3).allSatisfy(s -> {
            assertThat(s.bodyText()).isEqualTo(CHAT);
            assertThat(s.header("content-encoding")).isNull();
        });
    }

    @Test
    void aSecretInACompressedBodyIsFoundOnEveryRoute() throws Exception {
        int seen = gateway.fake.requests().size();
        String chat = CHAT.replace("\"hi\"", "\"my token is " + GITHUB + "\"");
        HttpResponse<String> model = post("/v1/chat/completions", "gzip", gzip(chat));
        assertThat(model.statusCode()).isEqualTo(403);
        assertThat(model.body()).contains("secret_detected").contains("github_token").doesNotContain(GITHUB);

        HttpResponse<String> passThrough = post("/v1/files", "deflate", deflate("AWS_KEY=" + GITHUB + "\n", true));
        assertThat(passThrough.statusCode()).isEqualTo(403);
        assertThat(passThrough.body()).contains("secret_detected");
        // Two codings, the last applied first undone.
        HttpResponse<String> twice = post("/v1/batches", "gzip, gzip", gzip(gzip("{\"note\":\"" + GITHUB + "\"}")));
        assertThat(twice.statusCode()).isEqualTo(403);
        assertThat(sentSince(seen)).isEmpty();
    }

    @Test
    void whatAegisCannotDecodeIsRefusedNotForwarded() throws Exception {
        int seen = gateway.fake.requests().size();
        HttpResponse<String> brotli = post("/v1/files", "br", ("AWS_KEY=" + GITHUB).getBytes(StandardCharsets.UTF_8));
        assertThat(brotli.statusCode()).isEqualTo(415);
        assertThat(Http.json(brotli.body()).at("/error/code").asText()).isEqualTo("unsupported_encoding");
        assertThat(brotli.body()).contains("'br'");

        HttpResponse<String> zstdAfterGzip = post("/v1/chat/completions", "gzip, zstd", gzip(CHAT));
        assertThat(zstdAfterGzip.statusCode()).isEqualTo(415);

        HttpResponse<String> corrupt = post("/v1/chat/completions", "gzip", CHAT.getBytes(StandardCharsets.UTF_8));
        assertThat(corrupt.statusCode()).isEqualTo(400);
        assertThat(Http.json(corrupt.body()).at("/error/message").asText()).contains("not valid gzip");

        // 2 MB of zeros compress to a few KB: past the 1 MB limit once decoded.
        HttpResponse<String> bomb = post("/v1/files", "gzip", gzip(new byte[2 * 1024 * 1024]));
        assertThat(bomb.statusCode()).isEqualTo(413);
        assertThat(Http.json(bomb.body()).at("/error/code").asText()).isEqualTo("request_too_large");
        assertThat(sentSince(seen)).isEmpty();
        assertThat(gateway.awaitUsage(brotli.headers().firstValue("X-Request-Id").orElseThrow()).errorCode())
                .isEqualTo("unsupported_encoding");
    }
}
