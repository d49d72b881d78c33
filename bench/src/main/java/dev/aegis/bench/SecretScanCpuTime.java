package dev.aegis.bench;

import dev.aegis.security.SecretKind;
import dev.aegis.security.SecretScanner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Set;

/**
 * The secret scan's throughput per core, from the scanning thread's own CPU time rather than the
 * wall clock: on a machine other work shares, JMH's wall-clock figures mostly measure the other
 * work. (Shared caches still slow it down, so this is a floor, not a ceiling.)
 *
 * <p>Run: {@code java -cp bench/target/aegis-benchmarks.jar dev.aegis.bench.SecretScanCpuTime [fragment [KiB]]}
 * — without a fragment it scans the 1 MiB of clean text of {@link SecretScanBenchmark}, with one it
 * scans that fragment repeated to 1 MiB (or the size given).
 */
public final class SecretScanCpuTime {

    private SecretScanCpuTime() {}

    public static void main(String[] args) {
        int size = args.length > 1 ? Integer.parseInt(args[1]) * 1024 : 1 << 20;
        String text = args.length == 0 ? SecretScanBenchmark.cleanText()
                : args[0].repeat(size / args[0].length() + 1).substring(0, size);
        SecretScanner scanner = new SecretScanner(SecretKind.BUILT_IN, Set.of());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long findings = 0;
        int warmUp = (1000 << 20) / text.length();
        for (int i = 0; i < warmUp; i++) { // let the JIT compile the loop
            findings += scanner.scan(text).size();
        }
        int scans = Math.max(20, (500 << 20) / text.length() / 4);
        for (int round = 1; round <= 5; round++) {
            long cpu = threads.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            for (int i = 0; i < scans; i++) {
                findings += scanner.scan(text).size();
            }
            cpu = threads.getCurrentThreadCpuTime() - cpu;
            wall = System.nanoTime() - wall;
            System.out.printf("round %d: %.0f µs CPU per scan of %d KiB = %.2f GB/s per core (wall clock: %.0f µs)%n",
                    round, cpu / 1e3 / scans, text.length() / 1024, (double) scans * text.length() / cpu, wall / 1e3 / scans);
        }
        System.out.println(findings / (warmUp + 5L * scans) + " findings per scan");
    }
}
