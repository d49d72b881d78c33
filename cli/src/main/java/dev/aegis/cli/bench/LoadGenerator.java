package dev.aegis.cli.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed-loop HTTP/1.1 load generator over plain blocking sockets: each connection writes the
 * request's prepared bytes, reads the answer to its end, and sends the next. No HTTP client library
 * in the measured loop: java.net.http.HttpClient costs many times a plain socket's CPU per call
 * ({@code UpstreamClientBenchmark} in bench/), and on two cores the load generator's cost comes out
 * of what the gateway it measures can use.
 */
public final class LoadGenerator {

    private LoadGenerator() {}

    /** Runs the plan to its end and returns every call's timings. */
    public static Samples run(LoadPlan plan) throws InterruptedException {
        AtomicInteger tickets = new AtomicInteger();
        long[] latency = new long[plan.requests()];
        long[] firstByte = new long[plan.requests()];
        AtomicInteger done = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(plan.concurrency());
        CountDownLatch go = new CountDownLatch(1);
        Thread.Builder threads = plan.concurrency() <= LoadPlan.PLATFORM_THREADS_UP_TO
                ? Thread.ofPlatform().daemon(true).name("bench-load-", 0) : Thread.ofVirtual().name("bench-load-", 0);
        List<Thread> workers = new ArrayList<>();
        for (int c = 0; c < plan.concurrency(); c++) {
            workers.add(threads.start(() -> {
                Connection conn = null;
                try {
                    conn = Connection.open(plan.port(), firstError, errors);
                } finally {
                    ready.countDown();
                }
                try {
                    go.await();
                    int t;
                    while ((t = tickets.getAndIncrement()) < plan.requests()) {
                        if (conn == null && (conn = Connection.open(plan.port(), firstError, errors)) == null) {
                            continue;
                        }
                        Timing timing = conn.call(plan.request());
                        if (timing == null) {
                            conn.close();
                            conn = null;
                            continue;
                        }
                        int slot = done.getAndIncrement();
                        latency[slot] = timing.total();
                        firstByte[slot] = timing.firstByte();
                        if (timing.close()) {
                            conn.close();
                            conn = null;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    if (conn != null) {
                        conn.close();
                    }
                }
            }));
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        long elapsed = System.nanoTime() - start;
        Samples s = new Samples();
        s.add(latency, firstByte, done.get(), errors.get(), firstError.get(), elapsed);
        return s;
    }

    private record Timing(long total, long firstByte, boolean close) {}

    /** One keep-alive connection; failures are counted, never thrown. */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final WireReader reader;
        private final AtomicReference<String> firstError;
        private final AtomicLong errors;
        private final FirstByte first = new FirstByte();

        private Connection(Socket socket, AtomicReference<String> firstError, AtomicLong errors) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.reader = new WireReader(socket.getInputStream());
            this.firstError = firstError;
            this.errors = errors;
        }

        static Connection open(int port, AtomicReference<String> firstError, AtomicLong errors) {
            try {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                s.setTcpNoDelay(true);
                return new Connection(s, firstError, errors);
            } catch (IOException e) {
                fail(firstError, errors, "cannot connect to port " + port + ": " + e.getMessage());
                return null;
            }
        }

        /** One call; null when it failed (counted). */
        Timing call(byte[] request) {
            long t0 = System.nanoTime();
            try {
                out.write(request);
                out.flush();
                WireReader.Head head = reader.readHead();
                if (head == null) {
                    fail(firstError, errors, "the server closed the connection without an answer");
                    return null;
                }
                int status = head.status();
                if (status < 200 || status > 299) {
                    ErrorBody body = new ErrorBody();
                    reader.readBody(head, body, true);
                    fail(firstError, errors, status + " " + body);
                    return null;
                }
                first.at = 0;
                reader.readBody(head, first, head.close());
                long end = System.nanoTime();
                return new Timing(end - t0, (first.at == 0 ? end : first.at) - t0, head.close());
            } catch (IOException | RuntimeException e) {
                fail(firstError, errors, e.toString());
                return null;
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private static void fail(AtomicReference<String> firstError, AtomicLong errors, String what) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, what);
    }

    /** Notes when the body's first byte arrived. */
    private static final class FirstByte implements WireReader.BodySink {
        long at;

        @Override
        public void accept(byte[] b, int off, int len) {
            if (at == 0 && len > 0) {
                at = System.nanoTime();
            }
        }
    }

    /** Keeps the first few hundred bytes of an error answer for the report. */
    private static final class ErrorBody implements WireReader.BodySink {
        private final StringBuilder text = new StringBuilder();

        @Override
        public void accept(byte[] b, int off, int len) {
            int take = Math.min(len, 300 - text.length());
            if (take > 0) {
                text.append(new String(b, off, take, StandardCharsets.UTF_8));
            }
        }

        @Override
        public String toString() {
            return text.toString().strip();
        }
    }
}
