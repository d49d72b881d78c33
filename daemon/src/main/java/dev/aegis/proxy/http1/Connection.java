package dev.aegis.proxy.http1;

import dev.aegis.http1.BusyPoll;
import dev.aegis.http1.HttpInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

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
    /** The TCP connection, for {@link #quietAndOpen()}; under TLS the socket is layered on its socket. */
    private final SocketChannel channel;
    private final Socket socket;
    /** Under TLS, the decrypted stream: what it holds beyond the answer counts as unread. Null for plain http. */
    private final InputStream tlsIn;
    private final HttpInput in;
    private final OutputStream out;
    /** The TCP socket's own stream, asked how many bytes wait ({@link #spinUntilReadable}); never read. */
    private final InputStream rawIn;
    private final ByteBuffer peek = ByteBuffer.allocate(1);
    private long idleSince;
    private long lastHeadNanos;
    private boolean used;
    private volatile boolean closed;

    /** @param socket {@code channel}'s socket, or a TLS socket layered on it */
    Connection(Origin origin, SocketChannel channel, Socket socket) throws IOException {
        this.origin = origin;
        this.channel = channel;
        this.socket = socket;
        InputStream stream = socket.getInputStream();
        this.tlsIn = socket == channel.socket() ? null : stream;
        this.rawIn = tlsIn == null ? stream : channel.socket().getInputStream();
        this.in = new HttpInput(stream, READ_BUFFER, MAX_LINE, "the provider");
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

    /**
     * Asks the socket for the answer's first bytes until they are there or {@code until} ({@link
     * System#nanoTime}) passes, without parking: one system call each time. True once bytes wait to be
     * read. Under TLS the bytes asked for are the encrypted ones, which is what "the answer came" means.
     */
    boolean spinUntilReadable(long until) {
        return in.hasBuffered() || BusyPoll.readableBefore(rawIn, until);
    }

    /** How long the last answer's head took to start arriving after its request was written; 0 before the first. */
    long lastHeadNanos() {
        return lastHeadNanos;
    }

    void lastHeadNanos(long nanos) {
        lastHeadNanos = nanos;
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
     * True when bytes already read off the socket wait beyond the answer just read (ours, or TLS's
     * decrypted ones): the connection must not serve another call. No system call.
     */
    boolean hasUnread() {
        try {
            return in.hasBuffered() || tlsIn != null && tlsIn.available() > 0;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * For an idle connection about to serve a call: true when the provider has neither closed it nor sent
     * anything since the last answer ended. One non-blocking read of the TCP socket (one system call;
     * switching the blocking mode makes none once a virtual thread has used the socket): 0 bytes is
     * quiet; end of stream or a reset is closed; a byte is something the provider sent unasked (bytes
     * beyond its last answer, or a TLS close_notify) and is consumed, since the connection is then
     * closed anyway.
     */
    boolean quietAndOpen() {
        try {
            channel.configureBlocking(false);
            try {
                return channel.read(peek.clear()) == 0;
            } finally {
                channel.configureBlocking(true);
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Reads up to {@code len} body bytes: what is buffered, else what one socket read returns (never waiting
     * for more than the first bytes to arrive, so streamed events pass on at once).
     */
    int read(byte[] b, int off, int len) throws IOException {
        return in.read(b, off, len);
    }

    /** Bytes of the answer already read off the socket and not yet consumed (no system call). */
    int buffered() {
        return in.buffered();
    }

    /** See {@link HttpInput#bufferedLineEnd}: a line among the buffered bytes, found without reading. */
    int bufferedLineEnd(int from) {
        return in.bufferedLineEnd(from);
    }

    /** See {@link HttpInput#bufferedLine}. */
    String bufferedLine(int from, int end) {
        return in.bufferedLine(from, end);
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
