package dev.aegis.receipts;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The end of a receipt file, read backwards from its last byte: its last complete line, and the
 * bytes after that line's newline when the file does not end with one (a write torn by a crash). A
 * day's file of a busy daemon holds millions of receipts (≈ 1 GB per million): a daemon's start and
 * a trail's lookup read a few KB of it, not the file.
 *
 * @param lastLine the last complete non-empty line, without its newline; null when there is none
 * @param completeLength the file's length up to and with its last newline (0 when it has none)
 * @param length the file's length
 */
public record ReceiptFileEnd(String lastLine, long completeLength, long length) {

    /** Bytes read at a time, from the end towards the start (a receipt is well under this). */
    static final int BLOCK = 16 * 1024;

    /** True when bytes follow the last newline: a receipt whose write did not finish. */
    public boolean torn() {
        return length > completeLength;
    }

    public static ReceiptFileEnd of(Path file) throws IOException {
        return of(file, BLOCK);
    }

    static ReceiptFileEnd of(Path file, int block) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = ch.size();
            ByteBuffer buffer = ByteBuffer.allocate(block);
            long lastNewline = newlineBefore(ch, length, buffer);
            long completeLength = lastNewline + 1;
            // Skip empty lines: the line ends at lineEnd and starts after the newline before it.
            long lineEnd = lastNewline;
            while (lineEnd >= 0) {
                long before = newlineBefore(ch, lineEnd, buffer);
                if (lineEnd - before > 1) {
                    byte[] line = read(ch, before + 1, lineEnd);
                    return new ReceiptFileEnd(new String(line, StandardCharsets.UTF_8), completeLength, length);
                }
                lineEnd = before;
            }
            return new ReceiptFileEnd(null, completeLength, length);
        }
    }

    /** A file's last complete line. */
    public record LastLine(Path file, String line) {}

    /**
     * The last complete line of the newest of these files (oldest first) that has one; null when none
     * has: where a trail ends.
     */
    public static LastLine lastOf(List<Path> files) throws IOException {
        for (int i = files.size() - 1; i >= 0; i--) {
            String line = of(files.get(i)).lastLine();
            if (line != null) {
                return new LastLine(files.get(i), line);
            }
        }
        return null;
    }

    /** The torn bytes after the last newline (empty when the file is not torn). */
    public byte[] tornBytes(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, completeLength, length);
        }
    }

    /** The position of the last {@code '\n'} before {@code end}, or -1 when there is none. */
    private static long newlineBefore(FileChannel ch, long end, ByteBuffer buffer) throws IOException {
        while (end > 0) {
            long start = Math.max(0, end - buffer.capacity());
            buffer.clear().limit((int) (end - start));
            readFully(ch, buffer, start);
            for (int i = buffer.limit() - 1; i >= 0; i--) {
                if (buffer.get(i) == '\n') {
                    return start + i;
                }
            }
            end = start;
        }
        return -1;
    }

    private static byte[] read(FileChannel ch, long from, long to) throws IOException {
        long n = to - from;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IOException("a line of " + n + " bytes is not a receipt");
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) n);
        readFully(ch, bytes, from);
        return bytes.array();
    }

    private static void readFully(FileChannel ch, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = ch.read(buffer, at);
            if (n < 0) {
                throw new EOFException("the file ended while it was read");
            }
            at += n;
        }
    }
}
