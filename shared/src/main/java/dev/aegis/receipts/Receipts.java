package dev.aegis.receipts;

import dev.aegis.digest.Sha256;
import dev.aegis.home.SecureFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.security.MessageDigest;

/** Receipt file names and the hash that chains one receipt line to the next. */
public final class Receipts {

    /** The {@code prev} of the very first receipt. */
    public static final String GENESIS = "0".repeat(64);

    private Receipts() {}

    /** SHA-256 of a receipt line's bytes (without its newline), hex. */
    public static String hash(String line) {
        return sha256Hex(line.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256Hex(byte[] bytes) {
        return Sha256.hex(bytes);
    }

    public static MessageDigest sha256() {
        return Sha256.newDigest();
    }

    /** Appends and forces the lines; on failure cuts the file back to where it was, so no line is left half written. */
    public static void append(Path file, CharSequence lines) throws IOException {
        SecureFiles.ensurePrivateFile(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            append(ch, ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** The same on a file already open for appending (the daemon keeps the day's file open). */
    public static void append(FileChannel ch, ByteBuffer buf) throws IOException {
        long before = ch.size();
        try {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(false);
        } catch (IOException e) {
            ch.truncate(before);
            throw e;
        }
    }

    public static boolean isReceiptFile(Path p) {
        return p.getFileName().toString().matches("\\d{4}-\\d{2}-\\d{2}\\.jsonl");
    }
}
