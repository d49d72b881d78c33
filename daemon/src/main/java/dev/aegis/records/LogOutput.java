package dev.aegis.records;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The daemon log's output (its file, or standard error in the foreground), through which a batch of
 * call lines leaves in one write ({@link #batch}) instead of one write per line: the logger flushes
 * after every line, and at 64 connections that was a system call per call on the usage writer.
 * Every other line is written when it is flushed, as before, whichever thread logs it (and its flush
 * takes a batch's lines written so far along with it). What a crash can lose is the lines of the
 * batch being logged, whose rows are already stored.
 */
public final class LogOutput extends OutputStream {

    /** Room for a batch of call lines (64 of ≈ 300 bytes) before a write is forced. */
    private static final int BUFFER = 32 * 1024;

    private static volatile LogOutput installed;

    private final OutputStream out;
    private final byte[] buffer = new byte[BUFFER];
    private int count;
    /** The thread whose flushes wait for the end of its batch; null when none is logging one. */
    private Thread batching;

    LogOutput(OutputStream out) {
        this.out = out;
    }

    /** Makes {@code out} the daemon log's output: the print stream to log to (flushed at each line). */
    public static PrintStream install(OutputStream out) {
        LogOutput log = new LogOutput(out);
        installed = log;
        return new PrintStream(log, true, StandardCharsets.UTF_8);
    }

    /**
     * Runs {@code lines}, which logs a batch's lines on this thread, and writes them at its end in
     * one go. Without an installed output (tests, tools) it just runs them.
     */
    public static void batch(Runnable lines) {
        LogOutput log = installed;
        if (log == null) {
            lines.run();
        } else {
            log.inOneWrite(lines);
        }
    }

    /** Runs {@code lines}; what this thread writes meanwhile leaves at the end, in one write. */
    void inOneWrite(Runnable lines) {
        begin();
        try {
            lines.run();
        } finally {
            end();
        }
    }

    private synchronized void begin() {
        batching = Thread.currentThread();
    }

    private synchronized void end() {
        if (batching == Thread.currentThread()) {
            batching = null;
        }
        try {
            flushBuffer();
        } catch (IOException e) {
            count = 0; // as a line that cannot be written: the log is lost, the calls go on
        }
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (count == buffer.length) {
            flushBuffer();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (len > buffer.length - count) {
            flushBuffer();
            if (len > buffer.length) {
                out.write(b, off, len);
                return;
            }
        }
        System.arraycopy(b, off, buffer, count, len);
        count += len;
    }

    @Override
    public synchronized void flush() throws IOException {
        if (batching == Thread.currentThread()) {
            return;
        }
        flushBuffer();
    }

    private void flushBuffer() throws IOException {
        if (count > 0) {
            int n = count;
            count = 0;
            out.write(buffer, 0, n);
        }
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        flushBuffer();
        out.close();
    }
}
