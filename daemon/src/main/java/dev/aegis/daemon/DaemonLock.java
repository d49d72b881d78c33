package dev.aegis.daemon;

import dev.aegis.home.SecureFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The lock a daemon holds on {@code daemon.lock} for its whole life. The OS releases it when the
 * process dies, however it dies, so a leftover {@code daemon.json} without a held lock is stale. The
 * file holds the holder's pid once it has started ({@link #recordHolder}).
 */
final class DaemonLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private DaemonLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or empty when another process holds it. */
    static Optional<DaemonLock> tryAcquire(Path file) throws IOException {
        SecureFiles.ensurePrivateFile(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            channel.truncate(0); // no pid while it starts: see recordHolder
            return Optional.of(new DaemonLock(channel, lock));
        } catch (OverlappingFileLockException e) {
            channel.close();
            return Optional.empty();
        }
    }

    /**
     * Writes this process's pid into the lock file once the daemon has published {@code daemon.json}: `aegis stop`
     * finds a running daemon by it when that file is gone (deleted while the daemon runs), and an empty lock file
     * still means a daemon that is starting.
     */
    void recordHolder() throws IOException {
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
                .getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
