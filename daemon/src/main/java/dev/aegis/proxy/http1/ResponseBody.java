package dev.aegis.proxy.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A response body read straight off its connection, framed by {@code Content-Length}, chunked
 * encoding, or the connection's end. Once the last byte is read the connection goes back to the
 * pool (when it can be reused); closing the body before its end closes the connection instead, which
 * is also how another thread (the idle watchdog) stops a read that is waiting.
 */
final class ResponseBody extends InputStream {

    enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    private final Connection conn;
    private final Framing framing;
    private final boolean reusable;
    private final ConnectionPool pool;
    private long remaining;
    private boolean inChunks;
    private boolean done;
    private volatile boolean closed;

    ResponseBody(Connection conn, Framing framing, long length, boolean reusable, ConnectionPool pool) {
        this.conn = conn;
        this.framing = framing;
        this.remaining = framing == Framing.LENGTH ? length : 0;
        this.reusable = reusable && framing != Framing.UNTIL_CLOSE;
        this.pool = pool;
        if (framing == Framing.NONE || (framing == Framing.LENGTH && length == 0)) {
            finish();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("the response body was closed");
        }
        if (done) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        try {
            return switch (framing) {
                case LENGTH -> readFixed(b, off, len);
                case CHUNKED -> readChunked(b, off, len);
                case UNTIL_CLOSE -> readUntilClose(b, off, len);
                case NONE -> -1;
            };
        } catch (IOException e) {
            abandon();
            throw e;
        }
    }

    private int readFixed(byte[] b, int off, int len) throws IOException {
        int n = conn.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("the provider closed the connection " + remaining + " bytes before the answer's end");
        }
        remaining -= n;
        if (remaining == 0) {
            finish();
        }
        return n;
    }

    private int readChunked(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
            // The line break that ends a chunk's data is read only now, with the next chunk's size: some
            // servers (Jetty) send it in front of the next chunk, and waiting for it would hold back the
            // event just received.
            if (inChunks && !conn.readLine().isEmpty()) {
                throw new IOException("a chunk did not end with a line break");
            }
            inChunks = true;
            long size = chunkSize(conn.readLine());
            if (size == 0) {
                int trailerBytes = 0;
                for (String t; !(t = conn.readLine()).isEmpty(); ) {
                    // trailer fields: not passed on, but bounded as a head is
                    trailerBytes += t.length() + 2;
                    if (trailerBytes > ResponseHead.MAX_HEAD_BYTES) {
                        throw new MalformedAnswerException("trailer fields of more than "
                                + ResponseHead.MAX_HEAD_BYTES / 1024 + " KiB");
                    }
                }
                finish();
                return -1;
            }
            remaining = size;
        }
        int n = conn.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("the provider closed the connection inside a chunk");
        }
        remaining -= n;
        return n;
    }

    private int readUntilClose(byte[] b, int off, int len) throws IOException {
        int n = conn.read(b, off, len);
        if (n < 0) {
            finish();
        }
        return n;
    }

    /**
     * A chunk-size line: hex digits only (no sign, no {@code 0x}, at most 15 so it fits a long), then
     * nothing or chunk extensions after {@code ;} (RFC 9112 §7.1), which are ignored.
     */
    static long chunkSize(String line) throws IOException {
        long size = 0;
        int i = 0;
        for (; i < line.length(); i++) {
            char c = line.charAt(i);
            int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (digit < 0) {
                break;
            }
            if (i == 15) {
                throw new MalformedAnswerException("a chunk size of more than 15 hex digits");
            }
            size = size << 4 | digit;
        }
        int rest = i;
        while (rest < line.length() && (line.charAt(rest) == ' ' || line.charAt(rest) == '\t')) {
            rest++;
        }
        if (i == 0 || rest < line.length() && line.charAt(rest) != ';') {
            throw new MalformedAnswerException("an invalid chunk size");
        }
        return size;
    }

    /**
     * The whole body has been read: the connection serves the next call, or is closed — always when
     * bytes beyond this answer already arrived (a body on a 204, more than Content-Length said): they
     * are not this answer's and must not become the next one's. Bytes that arrive later are caught
     * before the connection is reused ({@link ConnectionPool#take}).
     */
    private void finish() {
        done = true;
        if (reusable && !conn.hasUnread()) {
            pool.release(conn);
        } else {
            conn.close();
        }
    }

    private void abandon() {
        done = true;
        conn.close();
    }

    /**
     * The body bytes that a read returns without waiting for the provider: those already read off the
     * socket with the head or a previous read (no system call). At a chunk boundary they count only once
     * the chunk's framing lines have arrived whole. The relay asks this before it waits on the provider,
     * to send what it holds first ({@code StreamForwarder}).
     */
    @Override
    public int available() {
        if (done || closed) {
            return 0;
        }
        int buffered = conn.buffered();
        return switch (framing) {
            case LENGTH -> (int) Math.min(remaining, buffered);
            case UNTIL_CLOSE -> buffered;
            case CHUNKED -> remaining > 0 ? (int) Math.min(remaining, buffered) : bufferedChunkData(buffered);
            case NONE -> 0;
        };
    }

    /** At a chunk boundary: the next chunk's buffered data once its framing lines are all buffered, else 0. */
    private int bufferedChunkData(int buffered) {
        int at = 0;
        if (inChunks) {
            // the line break that ends the last chunk's data, still unread (see readChunked)
            at = conn.bufferedLineEnd(0);
            if (at < 0) {
                return 0;
            }
        }
        int end = conn.bufferedLineEnd(at);
        if (end < 0) {
            return 0;
        }
        try {
            return (int) Math.min(chunkSize(conn.bufferedLine(at, end)), buffered - end);
        } catch (IOException e) {
            return 0; // the read reports it
        }
    }

    /** Before the end: the connection is closed (a waiting read fails); after it: nothing to do. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (!done) {
                conn.close();
            }
        }
    }
}
