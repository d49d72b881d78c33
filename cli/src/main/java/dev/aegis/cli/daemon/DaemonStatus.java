package dev.aegis.cli.daemon;

import dev.aegis.control.DaemonState;
import java.util.Optional;

/**
 * What the CLI found in the home folder.
 *
 * @param state the published state when a daemon holds the lock
 * @param lockHeld a daemon process holds the lifetime lock (running, starting or stopping)
 * @param staleStateRemoved a {@code daemon.json} left by a dead daemon was found and removed
 */
public record DaemonStatus(Optional<DaemonState> state, boolean lockHeld, boolean staleStateRemoved) {

    public boolean running() {
        return lockHeld && state.isPresent();
    }
}
