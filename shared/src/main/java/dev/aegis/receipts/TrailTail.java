package dev.aegis.receipts;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The receipts at a trail's end after a given seq, read backwards from the newest file's last byte (a
 * busy day's file holds a GB: a start reads the few KB that matter). A daemon killed between signing
 * receipts and storing their usage rows (the rows and the store's head move in one transaction, the
 * receipts are on disk before) leaves exactly such receipts, from which its next start writes the rows.
 */
public final class TrailTail {

    /** The most read back from the trail's end for one recovery, over all files: far beyond what a batch in flight signs. */
    static final int MAX_BYTES = 64 * 1024 * 1024;

    /** A receipt line after the seq: the line, its seq, and whether its signature verified with the key given. */
    public record Receipt(String line, long seq, boolean signed) {}

    private TrailTail() {}

    /**
     * The complete lines with a seq above {@code afterSeq} at the end of these files (oldest first), oldest
     * first; stops at the first line at or below it, or one without a readable seq.
     */
    public static List<Receipt> after(List<Path> files, long afterSeq, ReceiptKeys.Verifier verifier) throws IOException {
        List<Receipt> newestFirst = new ArrayList<>();
        long budget = MAX_BYTES; // over every file: a store restored from an old backup is not this recovery's to redo
        for (int f = files.size() - 1; f >= 0 && budget > 0; f--) {
            long fileLength = fileLength(files.get(f));
            long most = Math.min(fileLength, budget); // what this file may be read back to
            // Growing reads from the end: most recoveries need one block; a file read whole goes on to the one before.
            for (long size = Math.min(most, FIRST_READ); ; size = Math.min(most, size * 4)) {
                List<Receipt> found = new ArrayList<>();
                Scan scan = scan(tail(files.get(f), size), size == fileLength, afterSeq, verifier, found);
                if (scan == Scan.MORE && size < most) {
                    continue;
                }
                newestFirst.addAll(found);
                budget -= size;
                if (scan != Scan.FILE_DONE) {
                    return oldestFirst(newestFirst); // reached the seq, an unreadable line, or the most it reads
                }
                break;
            }
        }
        return oldestFirst(newestFirst);
    }

    /** The first read from a file's end. */
    static final int FIRST_READ = 64 * 1024;

    /** How a scan of a file's last bytes ended. */
    private enum Scan { DONE, MORE, FILE_DONE }

    /** Collects, newest first, the lines of {@code bytes} (a file's end, or all of it) above the seq. */
    private static Scan scan(byte[] bytes, boolean wholeFile, long afterSeq, ReceiptKeys.Verifier verifier, List<Receipt> found) {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--; // a torn last write is not a receipt
        }
        while (end > 0) {
            int lineEnd = end - 1; // the newline
            int start = lineEnd;
            while (start > 0 && bytes[start - 1] != '\n') {
                start--;
            }
            if (start == 0 && !wholeFile) {
                return Scan.MORE; // the read began mid-line
            }
            if (lineEnd > start) {
                ReceiptLine parsed;
                try {
                    parsed = ReceiptLine.parse(bytes, start, lineEnd);
                } catch (JsonProcessingException e) {
                    return Scan.DONE;
                }
                if (parsed.seq() == null || parsed.seq() <= afterSeq) {
                    return Scan.DONE;
                }
                found.add(new Receipt(new String(bytes, start, lineEnd - start, StandardCharsets.UTF_8), parsed.seq(),
                        parsed.sig() != null && verifier.verify(parsed.signed(), parsed.sig())));
            }
            end = start;
        }
        return Scan.FILE_DONE;
    }

    private static List<Receipt> oldestFirst(List<Receipt> newestFirst) {
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    private static long fileLength(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.size();
        }
    }

    /** The file's last {@code atMost} bytes. */
    private static byte[] tail(Path file, long atMost) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = ch.size();
            int n = (int) Math.min(length, Math.min(atMost, Integer.MAX_VALUE - 16));
            ByteBuffer buffer = ByteBuffer.allocate(n);
            long position = length - n;
            while (buffer.hasRemaining()) {
                if (ch.read(buffer, position + buffer.position()) < 0) {
                    break;
                }
            }
            return buffer.array();
        }
    }
}
