package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.keys.NewKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider whose stream never ends, once nothing more goes to the client (the client left, or its
 * answer ended at a budget): the daemon reads on for the final usage, but not for ever
 * ({@code StreamForwarder.Drain}: 64 MB here, at loopback speed), then closes the provider's
 * connection and records the call.
 */
class EndlessProviderIT {

    private static final String STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"go on for ever\"}]}";

    @TempDir
    Path temp;

    /** Serves chunked chat events until the daemon stops reading and a write fails. */
    private static final class Endless {
        final CountDownLatch stopped = new CountDownLatch(1);

        UpstreamFramingIT.RawProvider start() throws IOException {
            return new UpstreamFramingIT.RawProvider((p, conn, in, out) -> {
                p.read(in);
                String event = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"more and more \"},"
                        + "\"finish_reason\":null}]}\n\n";
                String batch = event.repeat(64);
                byte[] chunk = (Integer.toHexString(batch.length()) + "\r\n" + batch + "\r\n").getBytes(StandardCharsets.US_ASCII);
                writeForEver(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
                        chunk, stopped);
            });
        }
    }

    /** Writes {@code head}, then {@code chunk} until a write fails (the daemon closed the connection), then counts down. */
    private static void writeForEver(OutputStream out, String head, byte[] chunk, CountDownLatch stopped) throws IOException {
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        try {
            while (true) {
                out.write(chunk);
            }
        } finally {
            stopped.countDown();
        }
    }

    @Test
    void aClientThatLeftDoesNotKeepTheDaemonReadingForEver() throws Exception {
        Endless endless = new Endless();
        try (UpstreamFramingIT.RawProvider provider = endless.start();
                TestGateway g = TestGateway.start(temp, "retry: { attempts: 1 }\n", provider.env())) {
            String requestId;
            try (Socket client = new Socket("127.0.0.1", g.state().port())) {
                client.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + g.clientKey + "\r\nContent-Type: application/json\r\nContent-Length: " + STREAM.length() + "\r\n\r\n"
                        + STREAM).getBytes(StandardCharsets.US_ASCII));
                InputStream in = client.getInputStream();
                String head = new String(in.readNBytes(4096), StandardCharsets.ISO_8859_1);
                assertThat(head).startsWith("HTTP/1.1 200").contains("more and more");
                requestId = head.lines().filter(l -> l.regionMatches(true, 0, "x-request-id:", 0, 13))
                        .map(l -> l.substring(13).trim()).findFirst().orElseThrow();
            }

            assertThat(endless.stopped.await(120, TimeUnit.SECONDS))
                    .as("the daemon stopped reading the endless stream").isTrue();
            assertThat(g.awaitUsage(requestId).status()).isEqualTo(200);
        }
    }

    @Test
    void anAnswerEndedAtABudgetEndsAndTheEndlessProviderIsLeftPastTheDrain() throws Exception {
        Endless endless = new Endless();
        try (UpstreamFramingIT.RawProvider provider = endless.start();
                TestGateway g = TestGateway.start(temp, "retry: { attempts: 1 }\n", provider.env())) {
            String budgeted = g.mintKey(new NewKey("budgeted", "default", false, List.of(), null, null, null, null, null, 500L));
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", STREAM)
                    .setHeader("Authorization", "Bearer " + budgeted));

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("more and more").endsWith("data: [DONE]\n\n");
            assertThat(endless.stopped.await(120, TimeUnit.SECONDS))
                    .as("the daemon stopped reading the endless stream").isTrue();
            assertThat(g.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow()).status()).isEqualTo(200);
        }
    }

    @Test
    void anErrorAnswerWhoseBodyNeverEndsIsCutRetriedAndEndsIn502() throws Exception {
        CountDownLatch stopped = new CountDownLatch(2);
        try (UpstreamFramingIT.RawProvider provider = UpstreamFramingIT.RawProvider.servingEveryConnection((p, conn, in, out) -> {
                    p.read(in);
                    byte[] chunk = ("2000\r\n" + "e".repeat(0x2000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    writeForEver(out, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n", chunk, stopped);
                });
                TestGateway g = TestGateway.start(temp, "retry: { attempts: 2, base_delay: 10ms, max_delay: 20ms }\n",
                        provider.env())) {
            HttpResponse<String> r = Http.send(g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}"));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
            assertThat(Http.json(r.body()).at("/error/message").asText()).contains("larger than the");
            assertThat(stopped.await(60, TimeUnit.SECONDS)).as("both answers' bodies left unread past the bounds").isTrue();
            assertThat(provider.requests).as("retried once after the first answer was cut").hasSize(2);
        }
    }
}
