package dev.aegis.bench;

import dev.aegis.security.SecretKind;
import dev.aegis.security.SecretScanner;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Secret scanning on hostile text (issue 7: no worse than linear). Each text is a fragment repeated
 * to {@code size} characters; linear means the time per character is the same at 256 KiB and 1 MiB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SecretScanAdversarialBenchmark {

    /** The repeated fragment: prefixes with no secret behind them, near misses, or real secrets back to back. */
    @Param({"AKIA", "eyJ", "eyJa.", "-----BEGIN ", "sk-", "ghp_", "AKIAIOSFODNN7EXAMPLE "})
    public String fragment;

    @Param({"262144", "1048576"})
    public int size;

    private final SecretScanner scanner = new SecretScanner(SecretKind.BUILT_IN, Set.of());
    private String text;

    @Setup(Level.Trial)
    public void setUp() {
        text = fragment.repeat(size / fragment.length() + 1).substring(0, size);
    }

    @Benchmark
    public List<SecretScanner.Finding> scan() {
        return scanner.scan(text);
    }
}
