package dev.aegis.receipts;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A receipt file's lines, read a block at a time (a day's file of a busy daemon is GBs; read whole it
 * took the CLI 2.6 GB of memory for a 1 GB file, and a file over 2 GB could not be read at all).
 * After {@link #next()} the line is {@code [from(), to())} of {@link #buffer()}, without its
 * newline; only the last line of a file may lack one ({@link #torn()}). A line longer
 * than {@link #MAX_LINE} is handed out in pieces of that size: no receipt is near it, so the first
 * piece is unparsable and a walk stops there.
 */
final class FileLines implements Closeable {

    static final int MAX_LINE = 64 * 1024 * 1024;

    private final InputStream in;
    private byte[] buffer;
    /** The bytes read and not yet handed out: {@code [start, end)} of the buffer. */
    private int start;
    private int end;
    private int from;
    private int to;
    /** The line handed out is the file's last and has no newline: a write that did not finish. */
    private boolean torn;
    private boolean eof;
    /** Where the search for the next newline resumes (bytes before it, from {@code start} on, hold none). */
    private int searched;

    private final int maxLine;

    FileLines(Path file) throws IOException {
        this(file, 1 << 20);
    }

    FileLines(Path file, int blockSize) throws IOException {
        this(file, blockSize, MAX_LINE);
    }

    FileLines(Path file, int blockSize, int maxLine) throws IOException {
        this.in = Files.newInputStream(file);
        this.buffer = new byte[Math.min(blockSize, maxLine + 1)];
        this.maxLine = maxLine;
    }

    /** Moves to the next line; false at the end of the file. */
    boolean next() throws IOException {
        while (true) {
            for (int i = Math.max(start, searched); i < end; i++) {
                if (buffer[i] == '\n') {
                    return handOut(i, i + 1, false);
                }
            }
            searched = end;
            if (end - start >= maxLine) {
                return handOut(start + maxLine, start + maxLine, false);
            }
            if (eof) {
                return start < end && handOut(end, end, true);
            }
            fill();
        }
    }

    private boolean handOut(int lineEnd, int nextStart, boolean lastWithoutNewline) {
        from = start;
        to = lineEnd;
        torn = lastWithoutNewline;
        start = nextStart;
        searched = nextStart;
        return true;
    }

    /** Keeps the unread bytes at the buffer's start, grows it when they fill it, and reads more. */
    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            searched -= start;
            start = 0;
        }
        if (end == buffer.length) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(buffer.length * 2L, maxLine + 1L));
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            eof = true;
        } else {
            end += n;
        }
    }

    byte[] buffer() {
        return buffer;
    }

    int from() {
        return from;
    }

    int to() {
        return to;
    }

    /** True for the file's last line when the file does not end with a newline: a write that did not finish. */
    boolean torn() {
        return torn;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
