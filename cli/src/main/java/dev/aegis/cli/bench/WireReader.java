package dev.aegis.cli.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

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

    private final InputStream in;
    private final byte[] buf = new byte[MAX_HEAD];
    private int pos;
    private int lim;

    WireReader(InputStream in) {
        this.in = in;
    }

    /** The next message's head, or null when the peer closed the connection between messages. */
    Head readHead() throws IOException {
        String start = line(true);
        if (start == null) {
            return null;
        }
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        String h;
        while (!(h = line(false)).isEmpty()) {
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
            while ((size = Long.parseLong(stripExtensions(line(false)), 16)) > 0) {
                copy(size, sink);
                line(false);
            }
            while (!line(false).isEmpty()) {
                // trailers: none expected, skipped
            }
        } else if (head.contentLength() >= 0) {
            copy(head.contentLength(), sink);
        } else if (untilClose) {
            while (fill()) {
                sink.accept(buf, pos, lim - pos);
                pos = lim;
            }
        }
    }

    /** Where body bytes go; the array is the reader's buffer, valid only during the call. */
    interface BodySink {
        BodySink DISCARD = (b, off, len) -> {};

        void accept(byte[] b, int off, int len) throws IOException;
    }

    private void copy(long n, BodySink sink) throws IOException {
        while (n > 0) {
            if (pos == lim && !fill()) {
                throw new EOFException("the body ended early");
            }
            int take = (int) Math.min(n, lim - pos);
            sink.accept(buf, pos, take);
            pos += take;
            n -= take;
        }
    }

    private static String stripExtensions(String sizeLine) {
        int semi = sizeLine.indexOf(';');
        return (semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim();
    }

    /** One line without its CRLF; null at a clean end of stream when {@code eofAllowed}. */
    private String line(boolean eofAllowed) throws IOException {
        int from = pos;
        while (true) {
            for (int i = from; i < lim; i++) {
                if (buf[i] == '\n') {
                    int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                    String s = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 1;
                    return s;
                }
            }
            from = lim - pos;
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, lim - pos);
                lim -= pos;
                pos = 0;
            }
            if (lim == buf.length) {
                throw new IOException("a header line longer than " + MAX_HEAD + " bytes");
            }
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                if (eofAllowed && lim == 0) {
                    return null;
                }
                throw new EOFException("the connection closed mid-message");
            }
            lim += n;
        }
    }

    /** Reads more bytes into an empty buffer; false at the end of the stream. */
    private boolean fill() throws IOException {
        pos = 0;
        lim = 0;
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            return false;
        }
        lim = n;
        return true;
    }

    /** True when bytes of the next message part are already buffered. */
    boolean hasBuffered() {
        return pos < lim;
    }
}
