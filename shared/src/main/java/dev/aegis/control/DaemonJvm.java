package dev.aegis.control;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The daemon's java, JVM options and class path, as the CLI launches it, and as the launcher
 * script's early launch must match (docs/STARTUP.md): the CLI builds it from its own runtime, and an
 * early-launched daemon that starts alone checks from it that it runs exactly as the CLI would have
 * launched it.
 */
public final class DaemonJvm {

    /**
     * System property the launcher script sets: what the install prepared for the daemon's JVM
     * (SQLite's extracted native library, the daemon's AOT cache), one option per line.
     */
    public static final String INSTALL_OPTIONS = "aegis.daemon.jvmOptions";

    /**
     * The daemon's heap, measured in the soak of issue 11 (docs/BENCHMARKS.md, docs/RELIABILITY.md):
     * a young generation where a call's garbage dies (~1.5 ms collections, live data ≈ 13 MB) and an
     * old generation that starts at 32 MB and only grows when live data needs it (large bodies), and
     * shrinks back over full collections (a quiet daemon runs them itself, see the daemon's
     * IdleHeapReturn). With the JVM's defaults (1/64 of the machine's memory to start) the old
     * generation filled with promoted garbage and the daemon's resident memory climbed for the whole
     * soak (180 → 320 MB); an -Xms8m without a bounded young generation was worse (1–2.5 GB under
     * large bodies). No -Xmx: a 32 MB body must never make the daemon run out of memory. Under load
     * the serial collector grows the old generation with promoted garbage instead of collecting it;
     * the daemon's OldGenerationBound runs a full collection then, and -XX:-ShrinkHeapInSteps has that
     * collection give the grown part back at once (the collector's default shrinks nothing at the
     * first full collection after growing).
     *
     * <p>The young generation starts at 4 MB and grows to at most 48 MB: the serial collector never
     * gives back a young-generation page it has touched, and a start allocates ≈ 40 MB that is
     * garbage by the time the daemon listens, so a young generation fixed at 64 MB kept ≈ 29 MB of
     * start-up garbage resident for as long as the daemon stayed idle (issue 29: idle RSS 111 MB).
     * Starting at 4 MB, a start runs about eight young collections (their pauses add up to what four
     * took from 8 MB, ≈ 60 ms on a loaded machine: each copies the start's live data once; the
     * start's CPU unchanged) and the idle heap holds 4 MB of young generation and the live data
     * (≈ 9 MB). At each full collection the young
     * generation is resized to the old generation's size ({@code NewRatio=1}), at most 48 MB, so under
     * load, where OldGenerationBound runs full collections, calls get a young generation of 32–48 MB
     * again (docs/benchmarks/run-2026-12-05-0225-idle-rss.md). At most 48 MB: with 2,000 streams open
     * the old generation holds ≈ 90 MB, and a young one grown to 64 MB took the daemon to 303–317 MB
     * (goal ≤ 300; 48 MB: 275–303, 32 MB: 273–281; since an open stream holds 4 KB of buffers instead
     * of 12, 264–283 at 48 MB), while one connection's calls after a load had
     * ≈ 45 MB, which fewer collections need: 32 MB made its p99 ≈ 0.4 ms worse
     * (docs/benchmarks/run-2026-12-05-0945-quiet-host-first-byte.md).
     * -XX:MetaspaceSize=64m
     * keeps a start without an AOT cache (JDK 21–24, tests) from running a full collection when its
     * class metadata passes the JVM's 21 MB default: that one (≈ 55 ms) would also size the young
     * generation to the old one's 32 MB before any call.
     */
    public static final List<String> HEAP_SHAPE = List.of("-Xms36m", "-XX:NewSize=4m", "-XX:MaxNewSize=48m",
            "-XX:NewRatio=1", "-XX:MetaspaceSize=64m", "-XX:MinHeapFreeRatio=20", "-XX:MaxHeapFreeRatio=50", "-XX:-ShrinkHeapInSteps");

    private DaemonJvm() {}

    /**
     * The JIT compilers' share of a start (docs/STARTUP.md): an AOT cache also holds its training
     * run's method profiles (Java 25+, JEP 515), and replaying them had the compilers work on
     * start-up code that runs once (reading jar manifests, string handling) straight away, with C2:
     * ≈ 0.3 s of a start's ≈ 1 s of CPU on two cores. Without the replay the cache's classes are
     * still loaded and linked ahead of time; only the profiles are not used. Higher compile
     * thresholds for C1 too would save more at start but keep the per-call code out of C2 for tens of
     * thousands of calls (measured, docs/BENCHMARKS.md); C2's alone: {@link #C2_LATER}.
     */
    public static List<String> startUpJit(int javaFeature) {
        return javaFeature >= 25 ? List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining") : List.of();
    }

    /**
     * Core reflection through the JVM's native accessors instead of method handles (JEP 416's
     * {@code jdk.reflect.useNativeAccessorOnly}). Since Java 18 the first call of each reflected
     * method or constructor (Jackson's set-up, Javalin's, the security providers', the JDK's own)
     * builds a method handle for it, and a start spins and compiles the classes behind them: at the
     * daemon's start that was 75–115 ms of CPU and 45–70 ms to the first answered call on a 2-vCPU AMD
     * EPYC (docs/STARTUP.md). A native accessor costs more per call, but no call's path reflects
     * (`perf` at 64 connections: no reflective invocation at all) and the calls' figures stayed
     * within the host's spread in paired runs.
     */
    public static final String NATIVE_REFLECTION = "-Djdk.reflect.useNativeAccessorOnly=true";

    /**
     * C2's thresholds at three times the JVM's (C1's as they are): a start runs thousands of methods a few
     * thousand times (string, hash map, zip and jar reading, BigDecimal's own set-up, which squares its
     * way to 5^65536), and C2 compiled ≈ 90–170 of them before the first call, ≈ 0.2 s of CPU beside the
     * start on two cores. Three alternating comparisons on a 2-vCPU AMD EPYC (16–20 starts each,
     * 2026-12-07): the first answered call 31–62 ms sooner, the daemon's CPU at it 85–100 ms lower; a
     * fresh daemon serving streams at one connection had the same first byte over its first minute (2
     * pairs) with 15–25 % less CPU. What C2 would have compiled at start it compiles during the first
     * calls instead, once they run the code that often (docs/STARTUP.md): a load generator's first two
     * seconds against a fresh daemon are slower, the warmed daemon the same.
     */
    public static final List<String> C2_LATER = List.of("-XX:Tier4InvocationThreshold=15000",
            "-XX:Tier4MinInvocationThreshold=1800", "-XX:Tier4CompileThreshold=45000", "-XX:Tier4BackEdgeThreshold=120000");

    /**
     * The packages a call runs through from its first byte in to its last byte out, and the share of
     * the JIT's thresholds their methods are compiled at: a fifth, so they reach C2 after about a
     * thousand calls instead of five thousand. A fresh daemon ran {@code ProxyHandler.serve} and
     * {@code FrontExchange.serve} at tier 3 (profiled C1, the slowest compiled code) for its first
     * 5,000 calls, and its stream's first byte was ≈ 2.1–2.5 ms after 600 calls against ≈ 1.5 warmed
     * (docs/benchmarks/run-2026-12-06-1750-quiet-reads.md): with these two packages at a fifth it was
     * ≈ 10–25 % lower from the 240th call on in 5 of 6 fresh-daemon pairs (as installed: 21 of 24 spans
     * of 8 s over 3 more pairs, docs/STARTUP.md), the start unchanged (12
     * alternating starts: start-up code is not in these packages) and the warmed path unchanged. All
     * sixteen call-path packages at a fifth cost the start ≈ 45 ms. {@code quiet}: the JVM prints each
     * CompileCommand it accepts on its standard output otherwise.
     */
    public static final List<String> CALL_PATH_JIT = List.of("-XX:CompileCommand=quiet",
            "-XX:CompileCommand=CompileThresholdScaling,dev.aegis.front.*::*,0.2",
            "-XX:CompileCommand=CompileThresholdScaling,dev.aegis.proxy.*::*,0.2");

    /**
     * @param java the java binary (as the running JVM names its own: the real path)
     * @param javaFeature its feature release (21, 25, ...)
     * @param installOptions the launcher's {@link #INSTALL_OPTIONS}, one per line
     * @param daemonOpts {@code AEGIS_DAEMON_OPTS}, or null
     * @param classPath the class path, expanded (as {@code java.class.path} holds it)
     */
    public static List<String> command(String java, int javaFeature, String installOptions, String daemonOpts,
            String classPath) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(HEAP_SHAPE);
        if (javaFeature >= 22) {
            // Give memory freed by the JIT compiler and the C heap back to the system (a product flag from 22 on).
            cmd.add("-XX:TrimNativeHeapInterval=5000");
        }
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.addAll(startUpJit(javaFeature));
        cmd.addAll(C2_LATER);
        cmd.add(NATIVE_REFLECTION);
        cmd.addAll(CALL_PATH_JIT);
        // SQLite's JDBC driver loads its native library; say so, or Java 24+ warns on every start.
        cmd.add("--enable-native-access=ALL-UNNAMED");
        if (installOptions != null) {
            installOptions.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(cmd::add);
        }
        if (daemonOpts != null && !daemonOpts.isBlank()) {
            cmd.addAll(Arrays.asList(daemonOpts.trim().split("\\s+")));
        }
        cmd.add("-cp");
        cmd.add(classPath);
        return cmd;
    }

    /** What {@code daemon.launch} holds for a launch (the launcher script replays it): one word per line. */
    public static String launchFile(List<String> jvmCommand) {
        return String.join("\n", jvmCommand) + "\n";
    }
}
