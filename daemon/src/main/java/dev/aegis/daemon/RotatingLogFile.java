package dev.aegis.daemon;

import dev.aegis.home.SecureFiles;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The daemon log's file, appended to, and rotated ({@link LogRotation}) once it passes its size: at
 * a start, and while the daemon runs, after the write that takes it past that size (a daemon that runs
 * for weeks writes a line per call, ≈ 300 bytes). Rotation waits for a write that ends a line, so no
 * line is split across two files. A rotation that fails (the folder made read-only) keeps writing to
 * the same file and tries again at the next line's end.
 */
final class RotatingLogFile extends OutputStream {

    private final Path path;
    private final long maxBytes;
    private OutputStream out;
    private long size;

    RotatingLogFile(Path path) throws IOException {
        this(path, LogRotation.MAX_BYTES);
    }

    RotatingLogFile(Path path, long maxBytes) throws IOException {
        this.path = path;
        this.maxBytes = maxBytes;
        LogRotation.rotate(path, maxBytes);
        open();
    }

    private void open() throws IOException {
        SecureFiles.ensurePrivateFile(path);
        out = new FileOutputStream(path.toFile(), true);
        size = Files.size(path);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        out.write(b);
        size++;
        if (b == '\n') {
            rotateIfLarge();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        size += len;
        if (len > 0 && b[off + len - 1] == '\n') {
            rotateIfLarge();
        }
    }

    private void rotateIfLarge() throws IOException {
        if (size < maxBytes) {
            return;
        }
        out.close();
        try {
            LogRotation.rotate(path, maxBytes);
        } finally {
            open();
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
