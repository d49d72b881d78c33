package dev.aegis.bench;

import dev.aegis.config.SecretsConfig;
import dev.aegis.proxy.BodyInspector;
import dev.aegis.security.SecretGuard;
import dev.aegis.security.SecretKind;
import dev.aegis.security.SecretScanner;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Secret scanning (issue 7: ≥ 1 GB/s per core on text with no secret). Divide 1 MiB by the time per op. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SecretScanBenchmark {

    private final SecretScanner scanner = new SecretScanner(SecretKind.BUILT_IN, Set.of());
    private final SecretGuard guard = new SecretGuard();
    private String cleanText;
    private byte[] agentBody;

    /** 1 MiB of code-like text with no secret. */
    static String cleanText() {
        String chunk = "public final class Example { private final Map<String, List<Integer>> index = new HashMap<>();"
                + " // the quick brown fox jumps over the lazy dog; tasks run, disks fill, keys rotate.\n";
        return chunk.repeat((1 << 20) / chunk.length() + 1).substring(0, 1 << 20);
    }

    @Setup(Level.Trial)
    public void setUp() {
        cleanText = cleanText();
        StringBuilder body = new StringBuilder("{\"model\":\"gpt-5-codex\",\"input\":[");
        for (int i = 0; i < 40; i++) {
            body.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"")
                    .append(cleanText, i * 2800, i * 2800 + 2800).append("\"}");
        }
        agentBody = body.append("]}").toString().replace("\n", "\\n").getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public List<SecretScanner.Finding> scanOneMebibyteOfCleanText() {
        return scanner.scan(cleanText);
    }

    @Benchmark
    public byte[] inspectAndCheckA115KilobyteAgentBody() {
        SecretGuard.Scan scan = guard.scan(SecretsConfig.DEFAULT, SecretsConfig.DEFAULT.mode());
        return BodyInspector.inspect(agentBody, scan).bytes();
    }
}
