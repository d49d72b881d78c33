package dev.aegis.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The reading side of one HTTP/1.1 connection: one reusable buffer that serves the lines of a
 * message head (and of chunk framing) and then the start of its body, without an object per line
 * beyond its string. Used by the daemon's upstream client and by the benchmark's own client and
 * provider. Not thread-safe: one connection, one reader at a time.
 */
public final class HttpInput {

    private final InputStream in;
    private final int maxLine;
    private final String peer;
    private byte[] buf;
    private int pos;
    private int lim;

    /**
     * @param bufferSize the buffer to start with: what each open connection holds (thousands of
     *     open streams hold thousands of these)
     * @param maxLine the longest line accepted; the buffer grows to it only for such a line
     * @param peer who is on the other end, for error messages (e.g. "the provider")
     */
    public HttpInput(InputStream in, int bufferSize, int maxLine, String peer) {
        this.in = in;
        this.buf = new byte[Math.min(bufferSize, maxLine)];
        this.maxLine = maxLine;
        this.peer = peer;
    }

    /** One line without its line end (CRLF or a bare LF); an {@link EOFException} when the peer closed. */
    public String line() throws IOException {
        String line = lineOrNull();
        if (line == null) {
            throw new EOFException(peer + " closed the connection");
        }
        return line;
    }

    /**
     * One line, or null when the peer closed the connection cleanly before its first byte (between
     * two messages); closing mid-line is an {@link EOFException}.
     */
    public String lineOrNull() throws IOException {
        int from = pos;
        while (true) {
            for (int i = from; i < lim; i++) {
                if (buf[i] == '\n') {
                    int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                    String line = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 1;
                    return line;
                }
            }
            from = lim - pos;
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, lim - pos);
                lim -= pos;
                pos = 0;
            }
            if (lim == buf.length) {
                if (buf.length >= maxLine) {
                    throw new IOException("a line from " + peer + " longer than " + maxLine + " bytes");
                }
                buf = Arrays.copyOf(buf, Math.min(maxLine, buf.length * 2));
            }
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                if (lim == 0) {
                    return null;
                }
                throw new EOFException(peer + " closed the connection mid-line");
            }
            lim += n;
        }
    }

    /**
     * Reads up to {@code len} bytes: what is buffered, else what one read of the stream returns
     * (never waiting for more than the first bytes, so streamed events pass on at once); -1 at the
     * end of the stream.
     */
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos < lim) {
            int n = Math.min(len, lim - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }
        return in.read(b, off, len);
    }

    /** True when bytes already read from the stream wait in the buffer. */
    public boolean hasBuffered() {
        return pos < lim;
    }

    /** How many bytes already read from the stream wait in the buffer. */
    public int buffered() {
        return lim - pos;
    }

    /**
     * Looks at a line among the buffered bytes without consuming anything or reading: the offset
     * (counted from the first buffered byte) just past the end of the line that starts at {@code from},
     * or -1 when its end has not arrived yet.
     */
    public int bufferedLineEnd(int from) {
        for (int i = pos + from; i < lim; i++) {
            if (buf[i] == '\n') {
                return i + 1 - pos;
            }
        }
        return -1;
    }

    /** The buffered line from {@code from} to {@code end} (as {@link #bufferedLineEnd} gave it), without its line end. */
    public String bufferedLine(int from, int end) {
        int last = pos + end - 1; // the '\n'
        int stop = last > pos + from && buf[last - 1] == '\r' ? last - 1 : last;
        return new String(buf, pos + from, stop - pos - from, StandardCharsets.ISO_8859_1);
    }
}
