package dev.aegis.cli.daemon;

import dev.aegis.control.DaemonState;

import dev.aegis.control.DaemonStateFile;
import dev.aegis.home.AegisHome;
import dev.aegis.home.SecureFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Finds the daemon of a home folder from its lifetime lock and {@code daemon.json}. The lock is the
 * truth: the OS drops it when the daemon dies, so a {@code daemon.json} without a held lock is stale
 * and is removed here.
 */
public final class DaemonLocator {

    private final AegisHome home;
    private final DaemonStateFile stateFile;

    public DaemonLocator(AegisHome home) {
        this.home = home;
        this.stateFile = new DaemonStateFile(home.daemonState());
    }

    public DaemonStatus locate() {
        boolean held = lockHeld();
        if (held) {
            // The state of a daemon whose process is gone (killed) is not the lock holder's: one starting
            // (launched early by the launcher script) holds the lock before it writes its own state.
            return new DaemonStatus(stateFile.read().filter(DaemonLocator::alive), true, false);
        }
        boolean stale = Files.exists(stateFile.path());
        if (stale) {
            try {
                stateFile.delete();
            } catch (IOException e) {
                // Reported as stale either way; a later start overwrites it.
            }
        }
        return new DaemonStatus(Optional.empty(), false, stale);
    }

    private static boolean alive(DaemonState s) {
        return ProcessHandle.of(s.pid()).map(ProcessLiveness::running).orElse(false);
    }

    /**
     * The started daemon holding the lock, by the pid it wrote into the lock file once it had published its state
     * (the file is empty while a daemon starts); empty when there is none, or it is not alive.
     */
    public Optional<ProcessHandle> lockHolder() {
        try {
            long pid = Long.parseLong(Files.readString(home.daemonLock()).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** True when another process holds the lock; probes by taking it for an instant. */
    public boolean lockHeld() {
        if (!Files.exists(home.daemonLock())) {
            return false;
        }
        try {
            SecureFiles.ensurePrivateFile(home.daemonLock());
            try (FileChannel ch = FileChannel.open(home.daemonLock(), StandardOpenOption.WRITE)) {
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    return true;
                }
                lock.release();
                return false;
            }
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
