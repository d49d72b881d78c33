package dev.aegis.http;

import java.util.Arrays;

/**
 * What a stream's writes gathered since its last flush, in one array made for that flush and let go
 * at it, so that an open stream holds nothing while it waits ({@link GatheredOutput} on Jetty, the
 * front's chunked answers).
 */
public final class FlushGather {

    private byte[] pending;
    private int count;

    /** Adds {@code len} bytes of {@code b} from {@code off}. */
    public void add(byte[] b, int off, int len) {
        if (pending == null) {
            pending = new byte[Math.max(len, 256)];
        } else if (pending.length - count < len) {
            pending = Arrays.copyOf(pending, Math.max(count + len, pending.length * 2));
        }
        System.arraycopy(b, off, pending, count, len);
        count += len;
    }

    /** The bytes gathered: {@link #size} of them from the start of this array. */
    public byte[] array() {
        return pending;
    }

    public int size() {
        return count;
    }

    /** Lets the gathered bytes go (the caller has written them). */
    public void clear() {
        pending = null;
        count = 0;
    }
}
