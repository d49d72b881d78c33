package dev.aegis.proxy.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 connection to a provider: blocking socket I/O (cheap on virtual threads) with one
 * read buffer that serves both the response head and the start of its body.
 */
final class Connection {

    static final int BUFFER = 16 * 1024;

    final Origin origin;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int lim;
    private long idleSince;
    private boolean used;
    private volatile boolean closed;

    Connection(Origin origin, Socket socket) throws IOException {
        this.origin = origin;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** True once a call has gone over this connection, i.e. a new call reuses it. */
    boolean reused() {
        return used;
    }

    void markUsed() {
        used = true;
    }

    void idleSince(long nanos) {
        idleSince = nanos;
    }

    long idleSince() {
        return idleSince;
    }

    void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** Writes the request head and body, in one packet when they fit the buffer. */
    void write(byte[] head, byte[] body, int bodyOffset, int bodyLength) throws IOException {
        if (head.length + bodyLength <= BUFFER) {
            byte[] both = new byte[head.length + bodyLength];
            System.arraycopy(head, 0, both, 0, head.length);
            System.arraycopy(body, bodyOffset, both, head.length, bodyLength);
            out.write(both);
        } else {
            out.write(head);
            out.write(body, bodyOffset, bodyLength);
        }
        out.flush();
    }

    /** One line of the response head or of chunk framing, without its line end; -1 bytes read means EOF. */
    String readLine() throws IOException {
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
                throw new IOException("a response line longer than " + BUFFER + " bytes");
            }
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                throw lim == 0 ? new EOFException("the provider closed the connection") : new EOFException(
                        "the provider closed the connection mid-line");
            }
            lim += n;
        }
    }

    /** True when no byte of a response has arrived yet (so a failure now may be retried on a fresh connection). */
    boolean nothingBuffered() {
        return pos == lim;
    }

    /**
     * Reads up to {@code len} body bytes: what is buffered, else what one socket read returns (never waiting
     * for more than the first bytes to arrive, so streamed events pass on at once).
     */
    int read(byte[] b, int off, int len) throws IOException {
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

    /** The TLS session of an https connection; null for plain http. */
    javax.net.ssl.SSLSession session() {
        return socket instanceof javax.net.ssl.SSLSocket ssl ? ssl.getSession() : null;
    }

    boolean isClosed() {
        return closed || socket.isClosed();
    }

    void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
