package dev.aegis.bench.load;

import dev.aegis.cli.bench.BenchGateway;
import dev.aegis.cli.bench.BenchRequest;
import dev.aegis.cli.bench.FixedUpstream;
import dev.aegis.cli.bench.LoadGenerator;
import dev.aegis.cli.bench.LoadPlan;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one call costs the daemon, in counters that other work on the machine changes less than
 * wall-clock figures (though contention still raises both, switches most at 1 connection): CPU
 * time per call (user and system, from {@code /proc/PID/stat}), and voluntary and involuntary
 * context switches per call, per group of the daemon's threads ({@code /proc/PID/task/*}: the
 * virtual threads' carriers, the JDK's poller, the record writers, ...). Wall-clock figures are
 * printed too but mean little on a busy machine. Same governed daemon, upstream and load generator
 * as {@link LoadScenarios}; after a warm-up, {@code rounds} rounds of a fixed number of calls at 1
 * and at 64 connections; the last round prints the per-thread breakdown.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp bench/target/aegis-benchmarks.jar
 * dev.aegis.bench.load.CallCost [rounds]} ({@code -Daegis.callcost.scale=3} for a third of the calls). JVM options for the daemon go in
 * {@code AEGIS_DAEMON_OPTS} (e.g. a JFR recording). Linux only.
 */
public final class CallCost {

    /**
     * {@code -Daegis.callcost.scale=N} divides every round's calls by N: shorter A/B rounds on a busy
     * machine, at the price of fewer calls per figure.
     */
    private static final int SCALE = Math.max(1, Integer.getInteger("aegis.callcost.scale", 1));
    private static final int ONE_CALLS = 20_000 / SCALE;
    private static final int MANY_CALLS = 60_000 / SCALE;
    private static final int MANY = 64;
    /** {@code -Daegis.callcost.threads=true} prints the per-thread table after every round, not only the last. */
    private static final boolean EVERY_ROUND_THREADS = Boolean.getBoolean("aegis.callcost.threads");

    /** Microseconds per clock tick of {@code /proc}'s CPU times (USER_HZ, 100 on Linux). */
    private static final long TICK_MICROS = 10_000;

    private final long pid;
    private final int port;

    private CallCost(long pid, int port) {
        this.pid = pid;
        this.port = port;
    }

    /** CPU ticks and context switches: the whole process, and per group of threads. */
    record Reading(long userTicks, long systemTicks, Map<String, long[]> threads) {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        try (FixedUpstream upstream = FixedUpstream.start();
             BenchGateway gateway = BenchGateway.start(upstream.baseUrl(), true, System.getenv())) {
            CallCost cost = new CallCost(gateway.pid(), gateway.port());
            byte[] request = BenchRequest.chat(gateway.port(), gateway.key(), false, BenchRequest.DEFAULT_BODY_BYTES);
            System.out.println("daemon pid " + gateway.pid() + ", load average " + MachineInfo.loadAverage());
            // Warm-up: the JIT compiles the request path first.
            cost.run("warm-up", request, MANY, MANY_CALLS, false);
            cost.run("warm-up", request, 1, ONE_CALLS / 2, false);
            cost.run("warm-up", request, MANY, MANY_CALLS, false);
            for (int r = 1; r <= rounds; r++) {
                cost.run("round " + r, request, 1, ONE_CALLS, EVERY_ROUND_THREADS || r == rounds);
                cost.run("round " + r, request, MANY, MANY_CALLS, EVERY_ROUND_THREADS || r == rounds);
            }
            System.out.println("load average " + MachineInfo.loadAverage());
        }
        System.exit(0);
    }

    private void run(String label, byte[] request, int connections, int calls, boolean perThread)
            throws IOException, InterruptedException {
        Reading before = read(pid);
        long start = System.nanoTime();
        LoadGenerator.run(new LoadPlan(port, request, calls, connections));
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(500); // the writers' batches of these calls finish
        Reading after = read(pid);
        long user = after.userTicks - before.userTicks;
        long system = after.systemTicks - before.systemTicks;
        long voluntary = 0;
        long involuntary = 0;
        StringBuilder threads = new StringBuilder();
        for (var e : after.threads.entrySet()) {
            long[] a = e.getValue();
            long[] b = before.threads.getOrDefault(e.getKey(), new long[3]);
            voluntary += a[0] - b[0];
            involuntary += a[1] - b[1];
            if (perThread && (a[0] - b[0]) + (a[1] - b[1]) + (a[2] - b[2]) > 0) {
                threads.append(String.format("    %-18s %6.3f %6.3f %7.1f%n", e.getKey(), (a[0] - b[0]) / (double) calls,
                        (a[1] - b[1]) / (double) calls, (a[2] - b[2]) * (double) TICK_MICROS / calls));
            }
        }
        System.out.printf("%-8s %2d conn  %,7d calls  %,6.0f calls/s  CPU/call %5.1f us (user %5.1f, system %5.1f)"
                        + "  switches/call: voluntary %.2f, involuntary %.2f%n",
                label, connections, calls, calls / seconds, (user + system) * (double) TICK_MICROS / calls,
                user * (double) TICK_MICROS / calls, system * (double) TICK_MICROS / calls, voluntary / (double) calls,
                involuntary / (double) calls);
        if (perThread) {
            System.out.println("    threads            vol/call invol/call CPU us/call");
            System.out.print(threads);
        }
    }

    /** The process's CPU ticks, and per group of its threads: voluntary and involuntary switches and CPU ticks. */
    static Reading read(long pid) throws IOException {
        List<String> stat = fields(Path.of("/proc", Long.toString(pid), "stat"));
        Map<String, long[]> threads = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    // Thread names without their numbers: one group per kind of thread.
                    String group = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "#");
                    long[] sums = threads.computeIfAbsent(group, k -> new long[3]);
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            sums[0] += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                            sums[1] += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                    List<String> t = fields(task.resolve("stat"));
                    sums[2] += Long.parseLong(t.get(11)) + Long.parseLong(t.get(12));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return new Reading(Long.parseLong(stat.get(11)), Long.parseLong(stat.get(12)), threads);
    }

    /** The fields of a {@code stat} file after the command name (field 3 onwards, from index 0). */
    private static List<String> fields(Path stat) throws IOException {
        String s = Files.readString(stat);
        return List.of(s.substring(s.lastIndexOf(')') + 2).trim().split(" "));
    }
}
