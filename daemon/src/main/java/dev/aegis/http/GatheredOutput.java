package dev.aegis.http;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.eclipse.jetty.ee10.servlet.HttpOutput;

/**
 * A long-lived stream's way to its client (a streamed answer, the live events) that holds no
 * buffer while the stream waits: what is written between two flushes is gathered in an array made
 * for that flush and handed to Jetty as one write at the flush, past Jetty's own aggregation buffer.
 *
 * <p>Jetty copies small writes into a buffer of {@code outputBufferSize} (4 KB, direct memory) that
 * the response keeps until it ends: for an open stream, for minutes, and for 2,000 open streams 8 MB
 * (issue 29's 2,000-streams row). The bytes and the writes to the socket are the same as through
 * that buffer: one write per flush, the head going out with the first write.
 */
public final class GatheredOutput extends OutputStream {

    /** The most handed to Jetty in one write (the JDK copies a heap write into a direct buffer of its size, and keeps it). */
    private static final int SLICE = 64 * 1024;

    private final HttpOutput out;
    private final FlushGather gathered = new FlushGather();

    private GatheredOutput(HttpOutput out) {
        this.out = out;
    }

    /** The response's body stream, gathered; a response Jetty does not own keeps its stream's own buffering. */
    public static OutputStream of(HttpServletResponse res) throws IOException {
        OutputStream out = res.getOutputStream();
        return out instanceof HttpOutput jetty ? new GatheredOutput(jetty) : out;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        gathered.add(b, off, len);
    }

    /** Writes what was gathered (or, with nothing gathered, sends the head if it has not gone yet). */
    @Override
    public void flush() throws IOException {
        if (gathered.size() == 0) {
            out.flush();
            return;
        }
        byte[] bytes = gathered.array();
        int length = gathered.size();
        gathered.clear();
        // Each write bypasses Jetty's aggregation buffer and is written at once; a large event goes
        // in slices, so the JDK's per-thread cache of direct buffers for heap writes stays small.
        for (int off = 0; off < length; off += SLICE) {
            out.write(ByteBuffer.wrap(bytes, off, Math.min(SLICE, length - off)));
        }
    }

    @Override
    public void close() throws IOException {
        if (gathered.size() > 0) {
            flush();
        }
        out.close();
    }
}
