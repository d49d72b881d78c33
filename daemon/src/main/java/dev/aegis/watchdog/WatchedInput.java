package dev.aegis.watchdog;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A provider's answer read under a {@link Watch}: every read starts the silence clock again, and
 * the stream is closed by the sweeper once it has been silent for the limit (the read waiting on
 * it then fails). Closing it stops the watch.
 */
public final class WatchedInput extends FilterInputStream {

    private final Watch watch;

    WatchedInput(InputStream in, Watch watch) {
        super(in);
        this.watch = watch;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        watch.activity();
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        watch.activity();
        return n;
    }

    /** True once the limit passed and the sweeper closed the stream. */
    public boolean fired() {
        return watch.fired();
    }

    @Override
    public void close() throws IOException {
        watch.close();
        super.close();
    }
}
