package dev.aegis.daemon;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Waits for a condition the daemon reaches on its own time, instead of sleeping a fixed while. */
final class Poll {

    private Poll() {}

    /** True as soon as {@code condition} holds, checked every 25 ms (at least once); false after {@code millis}. */
    static boolean within(long millis, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.call()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(25);
        }
        return true;
    }
}
