package dev.aegis.front;

import dev.aegis.http.ApiException;
import dev.aegis.http.BodyBudget.Claim;
import dev.aegis.http.BrowserHeaders;
import dev.aegis.http.ErrorRenderer;
import dev.aegis.http.Exchange;
import dev.aegis.http.FailureAnswers;
import dev.aegis.http.FlushGather;
import dev.aegis.http.RequestIds;
import dev.aegis.http.RequestTimeline;
import dev.aegis.http.UnreadBodies;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * One call on the {@link Front}: the {@link Exchange} over a {@link RequestHead}, its connection's
 * body bytes, and an answer written as Jetty writes it: a whole answer's head and body in one write
 * with its {@code Content-Length}, a streamed answer chunked, one write per flush. What the server's
 * filters and handlers add around a call on Jetty is added here too: the browser headers, {@code
 * X-Request-Id}, {@code X-Aegis-Overhead-Ms}, the JSON error of a failure, the body budget's claim
 * given back, an unread body read away before the answer (or the connection closed after it).
 */
final class FrontExchange implements Exchange {

    private static final String OVERHEAD = "X-Aegis-Overhead-Ms";
    private static final byte[] CRLF = {'\r', '\n'};
    /** Javalin's default on every answer that sets none. */
    private static final String DEFAULT_CONTENT_TYPE = "text/plain";
    /** For {@link ResponseHead#encode}: a chunked body. */
    private static final long CHUNKED = -1;
    /** For {@link ResponseHead#encode}: a 204 or 304, which has neither a length nor a body. */
    private static final long NO_LENGTH = -2;

    private final FrontConnection conn;
    private final RequestHead head;
    private final Front front;
    private final String requestId;
    private final RequestTimeline timeline = new RequestTimeline();
    private final ResponseHead answer = new ResponseHead();
    private Claim claim;
    private WholeBody whole;
    private ChunkedBody stream;
    private boolean committed;
    private boolean closeAfter;

    FrontExchange(FrontConnection conn, RequestHead head, Front front) {
        this.conn = conn;
        this.head = head;
        this.front = front;
        this.requestId = RequestIds.choose(head.header(RequestIds.HEADER));
        answer.set(RequestIds.HEADER, requestId);
    }

    /** Runs the route; a failure becomes its JSON error, or a cut connection once the answer has begun. */
    void serve(Consumer<Exchange> route) {
        try {
            route.accept(this);
        } catch (RuntimeException e) {
            ApiException refusal = FailureAnswers.of(e, head.method(), head.path(), requestId);
            if (committed) {
                closeAfter = true;
            } else {
                whole = null;
                stream = null;
                ErrorRenderer.render(this, refusal);
            }
        }
    }

    /** Completes the answer; true when the connection may carry the client's next request. */
    boolean finish() {
        try {
            if (stream != null) {
                if (!stream.ended() || conn.bodyLeft() > 0) {
                    closeAfter = true; // the client went away mid-stream, or the call failed in it
                }
            } else if (!committed) {
                sendWhole(whole == null ? ByteBuffer.allocate(0) : whole.buffered());
            }
            return !closeAfter && !head.close();
        } catch (IOException e) {
            return false;
        }
    }

    /** Gives the body budget's claim back; the call has ended, however it ended. */
    void release() {
        if (claim != null) {
            claim.release();
            claim = null;
        }
    }

    // The request.

    @Override
    public String method() {
        return head.method();
    }

    @Override
    public String path() {
        return head.path();
    }

    @Override
    public String query() {
        return null;
    }

    @Override
    public String header(String name) {
        return head.header(name);
    }

    @Override
    public List<String> headers(String name) {
        return head.headers(name);
    }

    @Override
    public List<String> headerNames() {
        return head.headerNames();
    }

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public RequestTimeline timeline() {
        return timeline;
    }

    @Override
    public long declaredLength() {
        return head.contentLength();
    }

    @Override
    public InputStream body() {
        return new BodyStream();
    }

    @Override
    public Claim claimBody() {
        claim = front.budget().newClaim();
        return claim;
    }

    @Override
    public Duration bodyReadTimeout() {
        return front.settings().readTimeout();
    }

    @Override
    public void discardBody() {
        if (!conn.drainBody(UnreadBodies.AT_MOST)) {
            closeAfter = true;
        }
    }

    @Override
    public void closeConnection() {
        conn.close();
    }

    // The answer.

    @Override
    public void status(int status) {
        answer.status = status;
    }

    @Override
    public void setHeader(String name, String value) {
        answer.set(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        answer.add(name, value);
    }

    @Override
    public void contentType(String value) {
        answer.set("Content-Type", value);
    }

    @Override
    public void contentLength(int length) {
        answer.contentLength = length;
    }

    @Override
    public OutputStream output() {
        if (whole == null) {
            whole = new WholeBody();
        }
        return whole;
    }

    @Override
    public OutputStream streamOutput() {
        if (stream == null) {
            stream = new ChunkedBody();
        }
        return stream;
    }

    @Override
    public void answered() {
        // Nothing on the front: no server error page can replace its answers.
    }

    /**
     * Sends a whole answer: what is left of the request body is read away first (a client still
     * sending it would otherwise lose the answer to the reset its rest causes), or, when it cannot
     * be, the answer says {@code Connection: close} and the connection closes after it.
     */
    private void sendWhole(ByteBuffer body) throws IOException {
        // Not again after a discardBody that could not read it away (closeAfter already says so).
        if (conn.bodyLeft() > 0 && (closeAfter || answer.status == 408 || !conn.drainBody(UnreadBodies.AT_MOST))) {
            closeAfter = true;
        }
        if (answer.get(OVERHEAD) == null) {
            answer.set(OVERHEAD, timeline.overheadHeader());
        }
        boolean bodiless = answer.status == 204 || answer.status == 304;
        ByteBuffer encoded = answer.encode(bodiless ? NO_LENGTH : body.remaining(), closeAfter || head.close());
        committed = true;
        try {
            if (bodiless) {
                conn.write(encoded);
            } else {
                conn.write(encoded, body);
            }
        } catch (IOException e) {
            closeAfter = true;
            throw e;
        }
    }

    /** The request body as it arrives, its framing (the Content-Length) removed. */
    private final class BodyStream extends InputStream {

        BodyStream() {
            conn.bodyTimeout(true);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return len == 0 ? 0 : conn.readBody(b, off, len);
        }

        @Override
        public void close() {
            conn.bodyTimeout(false);
        }
    }

    /**
     * A whole answer's body: held until it is complete (its declared length written, or closed),
     * then sent with the head in one write; the one write of a relayed answer is not even copied.
     */
    private final class WholeBody extends OutputStream {

        private byte[] held = new byte[0];
        private int count;
        private boolean sent;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (sent) {
                throw new IOException("the answer was already sent whole");
            }
            if (count == 0 && answer.contentLength == len) {
                sent = true;
                sendWhole(ByteBuffer.wrap(b, off, len));
                return;
            }
            if (held.length - count < len) {
                held = Arrays.copyOf(held, Math.max(count + len, held.length * 2));
            }
            System.arraycopy(b, off, held, count, len);
            count += len;
            if (answer.contentLength >= 0 && count >= answer.contentLength) {
                close();
            }
        }

        ByteBuffer buffered() {
            return ByteBuffer.wrap(held, 0, count);
        }

        /** Sends the answer now (a call counted as finished has really reached the client). */
        @Override
        public void close() throws IOException {
            if (!sent) {
                sent = true;
                sendWhole(buffered());
            }
        }
    }

    /**
     * A streamed answer's body, chunked: what is written between two flushes leaves as one chunk at
     * the flush (the head with the first), and nothing is held while the stream waits.
     */
    private final class ChunkedBody extends OutputStream {

        private static final byte[] LAST = {'0', '\r', '\n', '\r', '\n'};

        private final FlushGather gathered = new FlushGather();
        private boolean ended;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (ended) {
                throw new IOException("the stream has ended");
            }
            gathered.add(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            send(false);
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                send(true);
            }
        }

        boolean ended() {
            return ended;
        }

        private void send(boolean last) throws IOException {
            if (ended) {
                throw new IOException("the stream has ended");
            }
            List<ByteBuffer> parts = new ArrayList<>(5);
            if (!committed) {
                parts.add(answer.encode(CHUNKED, closeAfter || head.close()));
                committed = true;
            }
            int count = gathered.size();
            if (count > 0) {
                parts.add(ByteBuffer.wrap((Integer.toHexString(count) + "\r\n").getBytes(StandardCharsets.ISO_8859_1)));
                parts.add(ByteBuffer.wrap(gathered.array(), 0, count));
                parts.add(ByteBuffer.wrap(CRLF));
                gathered.clear();
            }
            if (last) {
                ended = true;
                parts.add(ByteBuffer.wrap(LAST));
            }
            if (!parts.isEmpty()) {
                conn.write(parts.toArray(ByteBuffer[]::new));
            }
        }
    }

    /** The answer's status and header lines, and their encoding as Jetty writes them. */
    private static final class ResponseHead {

        int status = 200;
        int contentLength = -1;
        private final List<String> names = new ArrayList<>(16);
        private final List<String> values = new ArrayList<>(16);

        String get(String name) {
            int i = indexOf(name);
            return i < 0 ? null : values.get(i);
        }

        void set(String name, String value) {
            for (int i; (i = indexOf(name)) >= 0; ) {
                names.remove(i);
                values.remove(i);
            }
            add(name, value);
        }

        /** A null value adds nothing (and {@link #set} with one removes the header), as on Jetty. */
        void add(String name, String value) {
            if (value == null || name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")
                    || name.equalsIgnoreCase("Connection")) {
                return; // the framing is the front's own
            }
            names.add(name);
            values.add(value);
        }

        private int indexOf(String name) {
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).equalsIgnoreCase(name)) {
                    return i;
                }
            }
            return -1;
        }

        /** @param length the body's length, {@link #CHUNKED}, or {@link #NO_LENGTH} for none */
        ByteBuffer encode(long length, boolean close) {
            HeadBytes out = new HeadBytes();
            out.raw(StatusLine.of(status));
            out.raw(BrowserHeaders.LINES);
            for (int i = 0; i < names.size(); i++) {
                out.field(names.get(i), values.get(i));
            }
            if (indexOf("Content-Type") < 0) {
                out.field("Content-Type", DEFAULT_CONTENT_TYPE);
            }
            if (length >= 0) {
                out.field("Content-Length", Long.toString(length));
            } else if (length == CHUNKED) {
                out.field("Transfer-Encoding", "chunked");
            }
            if (close) {
                out.field("Connection", "close");
            }
            out.raw(CRLF);
            return out.buffer();
        }
    }
}
