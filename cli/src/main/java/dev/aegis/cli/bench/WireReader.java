package dev.aegis.cli.bench;

import dev.aegis.http1.HttpInput;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads HTTP/1.1 messages off a socket with one reusable buffer: the head (start line, the framing
 * headers) and the body by {@code Content-Length} or chunked encoding, without building objects per
 * header. Just enough HTTP for the benchmark's own client and upstream; not a general parser.
 */
final class WireReader {

    /** A message head: its start line and what frames its body. */
    record Head(String startLine, long contentLength, boolean chunked, boolean close) {

        /** The status of a response head, e.g. 200. */
        int status() {
            int sp = startLine.indexOf(' ');
            return sp < 0 || startLine.length() < sp + 4 ? -1 : Integer.parseInt(startLine, sp + 1, sp + 4, 10);
        }

        /** The target of a request head, e.g. {@code /v1/chat/completions}. */
        String target() {
            String[] parts = startLine.split(" ");
            return parts.length > 1 ? parts[1] : "";
        }
    }

    private static final int MAX_HEAD = 64 * 1024;

    private final HttpInput in;
    /** Where body bytes are read to before the sink sees them. */
    private final byte[] chunk = new byte[16 * 1024];

    WireReader(InputStream in) {
        this.in = new HttpInput(in, 16 * 1024, MAX_HEAD, "the peer");
    }

    /** The next message's head, or null when the peer closed the connection between messages. */
    Head readHead() throws IOException {
        String start = in.lineOrNull();
        if (start == null) {
            return null;
        }
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        String h;
        while (!(h = in.line()).isEmpty()) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String value = h.substring(colon + 1).trim();
            if (h.regionMatches(true, 0, "content-length", 0, colon) && colon == 14) {
                length = Long.parseLong(value);
            } else if (h.regionMatches(true, 0, "transfer-encoding", 0, colon) && colon == 17) {
                chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
            } else if (h.regionMatches(true, 0, "connection", 0, colon) && colon == 10) {
                close = value.equalsIgnoreCase("close");
            }
        }
        return new Head(start, length, chunked, close);
    }

    /**
     * Reads the whole body, handing each piece to the sink as it arrives.
     *
     * @param untilClose for a response without length or chunking: its body ends when the connection does
     */
    void readBody(Head head, BodySink sink, boolean untilClose) throws IOException {
        if (head.chunked()) {
            long size;
            while ((size = Long.parseLong(stripExtensions(in.line()), 16)) > 0) {
                copy(size, sink);
                in.line();
            }
            while (!in.line().isEmpty()) {
                // trailers: none expected, skipped
            }
        } else if (head.contentLength() >= 0) {
            copy(head.contentLength(), sink);
        } else if (untilClose) {
            int n;
            while ((n = in.read(chunk, 0, chunk.length)) > 0) {
                sink.accept(chunk, 0, n);
            }
        }
    }

    /** Where body bytes go; the array is the reader's, valid only during the call. */
    interface BodySink {
        BodySink DISCARD = (b, off, len) -> {};

        void accept(byte[] b, int off, int len) throws IOException;
    }

    private void copy(long n, BodySink sink) throws IOException {
        while (n > 0) {
            int got = in.read(chunk, 0, (int) Math.min(n, chunk.length));
            if (got < 0) {
                throw new EOFException("the body ended early");
            }
            sink.accept(chunk, 0, got);
            n -= got;
        }
    }

    private static String stripExtensions(String sizeLine) {
        int semi = sizeLine.indexOf(';');
        return (semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim();
    }

    /** True when bytes of the next message part are already buffered. */
    boolean hasBuffered() {
        return in.hasBuffered();
    }
}
