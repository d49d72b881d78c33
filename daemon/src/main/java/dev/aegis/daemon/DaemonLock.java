package dev.aegis.daemon;

import dev.aegis.home.SecureFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The lock a daemon holds on {@code daemon.lock} for its whole life. The OS releases it when the
 * process dies, however it dies, so a leftover {@code daemon.json} without a held lock is stale.
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
            return Optional.of(new DaemonLock(channel, lock));
        } catch (OverlappingFileLockException e) {
            channel.close();
            return Optional.empty();
        }
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
