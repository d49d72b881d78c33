package dev.aegis.bench;

import dev.aegis.config.AuditConfig;
import dev.aegis.promptlog.PromptLogInput;
import dev.aegis.receipts.ReceiptInput;
import dev.aegis.records.BackgroundWriter;
import dev.aegis.records.CallRecorder;
import dev.aegis.records.Exchange;
import dev.aegis.store.UsageRow;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a call's own thread pays to record it (issue 5: ≤ 10 µs): build its usage row and hand it,
 * with what was exchanged, to the {@link CallRecorder} — usage only, and usage + receipt + prompt
 * log. The writer threads run meanwhile, draining the queues into sinks that only count, so the
 * figure includes queue contention with a live writer but not the writers' own work (SQLite,
 * hashing, signing, redaction), which happens on their threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RecordingBenchmark {

    private static final byte[] REQUEST = ("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + "x".repeat(2000) + "\"}]}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] RESPONSE = "{\"choices\":[{\"message\":{\"content\":\"Hello\"}}]}".getBytes(StandardCharsets.UTF_8);

    private final LongAdder written = new LongAdder();
    private CallRecorder usageOnly;
    private CallRecorder everything;
    private long n;

    @Setup(Level.Trial)
    public void setUp() {
        usageOnly = new CallRecorder(writer("usage"), null, 500, AuditConfig.DEFAULT_MAX_BACKLOG);
        everything = CallRecorder.withReceiptWriter(this.<ReceiptInput>writer("receipts"),
                this.<PromptLogInput>writer("prompt-log"), 500, AuditConfig.DEFAULT_MAX_BACKLOG);
    }

    private <T> BackgroundWriter<T> writer(String name) {
        return new BackgroundWriter<>(name, (List<T> batch) -> written.add(batch.size()));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        usageOnly.close(Duration.ofSeconds(10));
        everything.close(Duration.ofSeconds(10));
    }

    /** The row a finished call makes (CallRecord.toRow), for a different request each time. */
    private UsageRow row() {
        n++;
        return new UsageRow(System.currentTimeMillis(), "req-" + n, "abcdefghijkl", "default", null, "/v1/chat/completions",
                "gpt-4o-mini", "gpt-4o-mini", "openai", 200, null, 1200, 300, 0, 250, 40, 5775, false, "2026-07-24.1",
                12.0, 3.0, false, true);
    }

    @Benchmark
    public void usageRowOnly() {
        usageOnly.record(row(), new Exchange(REQUEST, RESPONSE, null, null, true));
    }

    @Benchmark
    public void usageReceiptAndPromptLog() {
        everything.record(row(), new Exchange(REQUEST, RESPONSE, null, null, true));
    }
}
