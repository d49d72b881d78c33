package dev.aegis.bench;

import dev.aegis.streaming.SseEvent;
import dev.aegis.streaming.SseEventSplitter;
import dev.aegis.streaming.cutoff.BudgetCutoff;
import dev.aegis.streaming.cutoff.BudgetCutoffs;
import dev.aegis.usage.UsageExtractor;
import dev.aegis.usage.UsageExtractors;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one streamed chat event costs on its way to the client, as a governed call reads it: split
 * out of the provider's bytes, read for usage, and counted by a budget's cutoff. The event is the
 * external harness's provider's (scripts/external-bench/sse-provider.js).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StreamEventBenchmark {

    private static final byte[] EVENT = ("data: {\"id\":\"chatcmpl-extbench\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1763900000,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_extbench\",\"choices\":["
            + "{\"index\":0,\"delta\":{\"content\":\" word7\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n")
            .getBytes(StandardCharsets.UTF_8);

    private final SseEventSplitter splitter = new SseEventSplitter();
    private final UsageExtractor usage = UsageExtractors.openAiChat(true);
    private final BudgetCutoff cutoff = BudgetCutoffs.chat(Long.MAX_VALUE);

    /** Splitting and the usage reading only: what a call without an output budget pays. */
    @Benchmark
    public boolean ungoverned() {
        SseEvent event = splitter.feed(EVENT, 0, EVENT.length).getFirst();
        return usage.onEvent(event);
    }

    /** The same with a budget's cutoff counting the event's output. */
    @Benchmark
    public byte[] withCutoff() {
        SseEvent event = splitter.feed(EVENT, 0, EVENT.length).getFirst();
        usage.onEvent(event);
        return cutoff.relay(event, true);
    }
}
