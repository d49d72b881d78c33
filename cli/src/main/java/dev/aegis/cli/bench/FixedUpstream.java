package dev.aegis.cli.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's provider on loopback: answers every {@code POST .../chat/completions} with fixed
 * bytes, a 639-byte completion or (when the body asks for {@code "stream":true}) a short chat
 * stream, over keep-alive HTTP/1.1, one virtual thread per connection. Fast on purpose, so the
 * direct baseline measures the machine and the load generator rather than a fake's own cost.
 * With an event delay it is a slow provider instead: each stream event follows the last after that
 * delay, for holding thousands of streams open at once.
 */
public final class FixedUpstream implements AutoCloseable {

    private static final byte[] STREAM_FLAG = "\"stream\":true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMPLETION_RESPONSE = concat(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + "x-request-id: req_bench_upstream\r\nContent-Length: " + FixedAnswers.COMPLETION_BYTES + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII), FixedAnswers.COMPLETION);
    private static final byte[] STREAM_HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
            + "Cache-Control: no-cache\r\nx-request-id: req_bench_upstream\r\nTransfer-Encoding: chunked\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOT_FOUND = ("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
            + "Content-Length: 71\r\n\r\n{\"error\":{\"message\":\"only chat completions here\",\"type\":\"not_found\"}}")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WHOLE_STREAM = wholeStream();

    private final ServerSocket server;
    private final Duration eventDelay;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicInteger streaming = new AtomicInteger();
    private final AtomicInteger mostStreaming = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    private FixedUpstream(Duration eventDelay) throws IOException {
        this.eventDelay = eventDelay;
        this.server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().daemon(true).name("bench-upstream-accept").start(this::accept);
    }

    /** A fast upstream: every answer written at once. */
    public static FixedUpstream start() throws IOException {
        return new FixedUpstream(Duration.ZERO);
    }

    /** A slow upstream: stream events {@code eventDelay} apart (whole answers are still immediate). */
    public static FixedUpstream slow(Duration eventDelay) throws IOException {
        return new FixedUpstream(eventDelay);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The OpenAI-style base URL, ending in {@code /v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** How many events each stream has. */
    public static int streamEvents() {
        return FixedAnswers.STREAM_EVENTS.length;
    }

    /** Calls answered so far. */
    public long answered() {
        return answered.get();
    }

    /** The most streams this upstream had open at once (counted by a slow upstream only). */
    public int mostOpenStreams() {
        return mostStreaming.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                if (!closed) {
                    pause();
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            WireReader reader = new WireReader(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            BodyScan scan = new BodyScan();
            WireReader.Head head;
            while ((head = reader.readHead()) != null) {
                scan.reset();
                reader.readBody(head, scan, false);
                if (!head.target().contains("/chat/completions")) {
                    out.write(NOT_FOUND);
                } else if (scan.found) {
                    stream(out);
                } else {
                    out.write(COMPLETION_RESPONSE);
                }
                out.flush();
                answered.incrementAndGet();
                if (head.close()) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // The client went away (or the upstream is closing): nothing to answer.
        } finally {
            open.remove(socket);
        }
    }

    private void stream(OutputStream out) throws IOException, InterruptedException {
        if (eventDelay.isZero()) {
            out.write(WHOLE_STREAM);
            return;
        }
        mostStreaming.accumulateAndGet(streaming.incrementAndGet(), Math::max);
        try {
            out.write(STREAM_HEAD);
            for (byte[] event : FixedAnswers.STREAM_EVENTS) {
                out.write(chunk(event));
                out.flush();
                Thread.sleep(eventDelay);
            }
            out.write(LAST_CHUNK);
        } finally {
            streaming.decrementAndGet();
        }
    }

    private static byte[] chunk(byte[] data) {
        return concat((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII), data,
                "\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] wholeStream() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(STREAM_HEAD);
        for (byte[] event : FixedAnswers.STREAM_EVENTS) {
            b.writeBytes(chunk(event));
        }
        b.writeBytes(LAST_CHUNK);
        return b.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    /** Looks for {@code "stream":true} in a body as it passes, across piece boundaries. */
    private static final class BodyScan implements WireReader.BodySink {
        private int matched;
        private boolean found;

        void reset() {
            matched = 0;
            found = false;
        }

        @Override
        public void accept(byte[] b, int off, int len) {
            for (int i = off; i < off + len && !found; i++) {
                if (b[i] == STREAM_FLAG[matched]) {
                    if (++matched == STREAM_FLAG.length) {
                        found = true;
                    }
                } else {
                    matched = b[i] == STREAM_FLAG[0] ? 1 : 0;
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
