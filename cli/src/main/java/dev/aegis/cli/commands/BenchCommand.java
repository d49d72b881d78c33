package dev.aegis.cli.commands;

import dev.aegis.cli.CliContext;
import dev.aegis.cli.CliException;
import dev.aegis.cli.DurationConverter;
import dev.aegis.cli.ExitCode;
import dev.aegis.cli.bench.BenchGateway;
import dev.aegis.cli.bench.BenchReport;
import dev.aegis.cli.bench.BenchRequest;
import dev.aegis.cli.bench.Comparison;
import dev.aegis.cli.bench.FixedUpstream;
import dev.aegis.cli.bench.LoadPlan;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aegis bench}: what Aegis adds on this machine. Starts a fast loopback provider and an Aegis
 * daemon of its own (governance, usage and receipts on), sends the same calls to both, and prints
 * the latency and throughput of each path and the difference.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {"Measure what Aegis adds on this machine.",
            "The same chat calls are sent straight to a built-in loopback provider and through an Aegis daemon of the bench's own",
            "(a minted key, rate limits, usage rows and signed receipts on; your own daemon,",
            "config and keys are not used). Prints p50/p99 latency of both, what Aegis",
            "added, the first-byte delay on streams, calls per second and the daemon's memory.",
            "Exit code 1 when any call failed."},
        footer = {"", "Examples:",
            "  aegis bench                                  added latency of one client",
            "  aegis bench --stream                         first-byte delay on streams",
            "  aegis bench --concurrency 64 --requests 100000   throughput",
            "  aegis bench --body-size 115000               a Claude Code-sized prompt"})
public final class BenchCommand implements Callable<Integer> {

    private final CliContext context;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "10000",
            description = "Measured calls on each path (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "1",
            description = "Connections sending at once (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--stream", description = "Streamed calls (server-sent events) instead of whole answers.")
    boolean stream;

    @Option(names = "--body-size", paramLabel = "BYTES", defaultValue = "" + BenchRequest.DEFAULT_BODY_BYTES,
            description = "Size of each request body (default ${DEFAULT-VALUE}; Codex sends ~40000, Claude Code ~115000).")
    int bodyBytes;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "20s", converter = DurationConverter.class,
            description = "How long unmeasured calls go through Aegis first, so its code is compiled when "
                    + "measured (default ${DEFAULT-VALUE}; the direct path gets a quarter of it). Shorter runs "
                    + "measure a JVM still compiling.")
    Duration warmup;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    public BenchCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (requests < 1 || concurrency < 1 || bodyBytes < 0) {
            throw CliException.usage("--requests and --concurrency must be at least 1, --body-size at least 0");
        }
        PrintWriter err = context.err();
        try (FixedUpstream upstream = FixedUpstream.start()) {
            err.println("aegis bench: starting a loopback provider and an Aegis daemon of its own...");
            err.flush();
            try (BenchGateway gateway = BenchGateway.start(upstream.baseUrl(), true, context.env())) {
                long idleRss = gateway.rssBytes().orElse(-1);
                err.println("aegis bench: warming up for " + warmup.toSeconds() + " s, then measuring (" + requests
                        + " calls on each path)...");
                err.flush();
                LoadPlan direct = new LoadPlan(upstream.port(),
                        BenchRequest.chat(upstream.port(), null, stream, bodyBytes), requests, concurrency);
                LoadPlan aegis = new LoadPlan(gateway.port(),
                        BenchRequest.chat(gateway.port(), gateway.key(), stream, bodyBytes), requests, concurrency);
                Comparison comparison = Comparison.directVsAegis(direct, aegis, warmup, gateway::cpuNanos);
                BenchReport report = new BenchReport(
                        new BenchReport.Settings(requests, concurrency, stream, bodyBytes, warmup), comparison, idleRss,
                        gateway.peakRssBytes().orElse(-1));
                if (json) {
                    report.printJson(context.out());
                } else {
                    report.printTable(context.out());
                }
                return comparison.errors() == 0 ? ExitCode.OK : ExitCode.FAILED;
            }
        } catch (IOException e) {
            throw new CliException("cannot start the benchmark's loopback provider: " + e.getMessage());
        }
    }
}
