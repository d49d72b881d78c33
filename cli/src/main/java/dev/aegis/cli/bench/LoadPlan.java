package dev.aegis.cli.bench;

/**
 * One load run: the same request sent {@code requests} times over {@code concurrency} keep-alive
 * connections, each sending its next request as soon as its last answer is read (a closed loop).
 *
 * @param port the loopback port to send to
 * @param request the request's exact bytes, head and body
 * @param requests how many to send in all
 * @param concurrency how many connections send at once
 */
public record LoadPlan(int port, byte[] request, int requests, int concurrency) {

    /** Above this many connections each gets a virtual thread, below a platform thread (less scheduling per call). */
    static final int PLATFORM_THREADS_UP_TO = 256;

    public LoadPlan {
        if (requests < 1 || concurrency < 1) {
            throw new IllegalArgumentException("requests and concurrency must be at least 1");
        }
    }

    /** The same plan with another number of requests. */
    public LoadPlan withRequests(int n) {
        return new LoadPlan(port, request, n, concurrency);
    }
}
