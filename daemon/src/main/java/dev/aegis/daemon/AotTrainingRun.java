package dev.aegis.daemon;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * install.sh's training run of the daemon (docs/STARTUP.md): the JVM writes the AOT cache when it
 * exits, holding the classes it loaded until then. The start's background warm-ups (TLS with the
 * trusted certificates, the receipt signer's native provider) load a few hundred JDK classes; a
 * training daemon stopped before they finish leaves them out of the cache, and every later start
 * then loads them from the module image. So a training daemon's stop first waits for them.
 */
final class AotTrainingRun {

    /** Long enough for the warm-ups on a busy 2-core machine; a stuck one must not hold up the install. */
    static final Duration WARM_UP_WAIT = Duration.ofSeconds(8);

    private AotTrainingRun() {
    }

    /** Whether this JVM records an AOT cache (started with -XX:AOTCacheOutput, as install.sh's training is). */
    static boolean recording() {
        return recording(ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    static boolean recording(List<String> jvmArguments) {
        return jvmArguments.stream().anyMatch(a -> a.startsWith("-XX:AOTCacheOutput="));
    }

    /** Waits (at most {@code limit}) for the warm-ups when this JVM records a cache; returns whether they finished. */
    static boolean awaitWarmUps(CompletableFuture<?> warmUps, boolean recording, Duration limit) {
        if (!recording) {
            return warmUps.isDone();
        }
        try {
            warmUps.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return warmUps.isDone();
        }
    }
}
