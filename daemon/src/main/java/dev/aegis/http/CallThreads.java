package dev.aegis.http;

import java.util.concurrent.ThreadFactory;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * Jetty's threads: a new virtual thread for each task (its selector, each request), as Javalin's
 * own pool for virtual threads does, without what that pool adds to every request: the thread made
 * through reflection (Javalin is built for Java versions without virtual threads), a numbered name,
 * a {@code Future} and an entry in an executor's set of live threads, added and removed.
 *
 * <p>Not a {@code TryExecutor}: Jetty hands each request to a new thread rather than running it on
 * its selector (Jetty's own {@code VirtualThreadPool} is one, and its selector then ran requests
 * itself, 0.25 ms later to a stream's first byte, docs/benchmarks/run-2026-12-05-0945-quiet-host-first-byte.md).
 */
final class CallThreads implements ThreadPool {

    private static final ThreadFactory THREADS = Thread.ofVirtual().name("aegis-http").factory();

    @Override
    public void execute(Runnable task) {
        THREADS.newThread(task).start();
    }

    /** Nothing to wait for: each thread ends with its task (the daemon drains calls itself). */
    @Override
    public void join() {}

    @Override
    public int getThreads() {
        return 1;
    }

    @Override
    public int getIdleThreads() {
        return 1;
    }

    @Override
    public boolean isLowOnThreads() {
        return false;
    }
}
