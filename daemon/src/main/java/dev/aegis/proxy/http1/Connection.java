package dev.aegis.proxy.http1;

import dev.aegis.http1.HttpInput;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * One HTTP/1.1 connection to a provider: blocking socket I/O (cheap on virtual threads) with one
 * read buffer that serves both the response head and the start of its body.
 */
final class Connection {

    /** A request head and body up to this size go out in one write (one packet on loopback). */
    private static final int ONE_WRITE = 16 * 1024;
    /**
     * What each connection holds for reading (2,000 open streams hold 2,000 of these): a head's lines
     * and a chunked stream's size lines pass through it; larger body reads bypass it.
     */
    private static final int READ_BUFFER = 2 * 1024;
    /** The longest line of a response head accepted (the buffer grows to it only when needed). */
    private static final int MAX_LINE = 64 * 1024;

    final Origin origin;
    private final Socket socket;
    private final HttpInput in;
    private final OutputStream out;
    private long idleSince;
    private boolean used;
    private volatile boolean closed;

    Connection(Origin origin, Socket socket) throws IOException {
        this.origin = origin;
        this.socket = socket;
        this.in = new HttpInput(socket.getInputStream(), READ_BUFFER, MAX_LINE, "the provider");
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

    /** Writes the request head and body, in one packet when they fit the buffer. */
    void write(byte[] head, byte[] body, int bodyOffset, int bodyLength) throws IOException {
        if (head.length + bodyLength <= ONE_WRITE) {
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

    /** One line of the response head or of chunk framing, without its line end; EOF when the provider closed. */
    String readLine() throws IOException {
        return in.line();
    }

    /** True when no byte of a response has arrived yet (so a failure now may be retried on a fresh connection). */
    boolean nothingBuffered() {
        return !in.hasBuffered();
    }

    /**
     * Reads up to {@code len} body bytes: what is buffered, else what one socket read returns (never waiting
     * for more than the first bytes to arrive, so streamed events pass on at once).
     */
    int read(byte[] b, int off, int len) throws IOException {
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
