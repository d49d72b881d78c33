package dev.aegis.daemon;

import dev.aegis.pricing.PriceTable;
import io.javalin.http.HandlerType;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.sqlite.SQLiteJDBCLoader;

/**
 * Work every daemon start needs whatever its arguments say, begun on another core as soon as
 * {@code main} runs: while the main thread parses its arguments, or, launched early, waits for
 * them (docs/STARTUP.md). It computes the Ed25519 base-point tables (the receipt key, which the
 * main thread reaches first), reads the release's price table (joined after the records step), and
 * warms what the start would otherwise do first on its own path: the JVM's management beans
 * (metrics), SQLite's native library, the static set-up of the config reader and the web server, and
 * the link of the HTTP-method record's {@code equals} (route registration). Warming is best effort:
 * anything it fails to do is simply done later.
 */
final class StartupWarmUp {

    /** Classes whose static set-up is costly (mappers, Jetty's tables), initialised ahead of use. */
    private static final List<String> CLASSES = List.of(
            "dev.aegis.config.ConfigLoader",
            "org.eclipse.jetty.server.Server",
            "org.eclipse.jetty.http.MimeTypes",
            "io.javalin.Javalin");

    private final CompletableFuture<PriceTable> builtInPrices;

    private StartupWarmUp(CompletableFuture<PriceTable> builtInPrices) {
        this.builtInPrices = builtInPrices;
    }

    static StartupWarmUp begin() {
        CompletableFuture<PriceTable> prices = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("aegis-start-warm-up").start(() -> {
            precomputeEd25519(); // the main thread needs it first (the receipt key), the prices after
            try {
                prices.complete(PriceTable.builtIn());
            } catch (RuntimeException e) {
                prices.completeExceptionally(e);
            }
            warm();
        });
        return new StartupWarmUp(prices);
    }

    /**
     * When the running daemon's warm-ups (the provider client's TLS, the receipt signer: ≈ 130 ms of
     * CPU on a cold 2-core start) begin: {@code after} the daemon starts listening, at the first moment
     * no call is at work (looked at every {@code poll}), and {@code atMost} later whatever the calls.
     * Begun at once, they took the two cores from a call made right after {@code aegis start}: its
     * answer came 60–75 ms sooner with them a second later (docs/STARTUP.md). They are only warm-ups:
     * a call that needs one first (an https call, the first receipt) does that part itself.
     */
    record Pace(Duration after, Duration atMost, Duration poll) {
        static final Pace DAEMON = new Pace(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofMillis(10));
    }

    /**
     * Runs {@code warmUps}, one after the other, on a platform thread of its own once the {@code pace}
     * lets them begin; none begins once {@code stopped} says so. Not on a virtual thread: CPU-bound,
     * it held one of the carriers that run the calls (one per core), and the first calls waited for it.
     *
     * @param callsAtWork the calls the daemon is serving now
     * @return done when every warm-up has run, or was left out because the daemon stopped
     */
    static CompletableFuture<Void> afterStart(Pace pace, IntSupplier callsAtWork, BooleanSupplier stopped,
            List<Runnable> warmUps) {
        return CompletableFuture.runAsync(() -> {
            if (!awaitTurn(pace, callsAtWork, stopped)) {
                return;
            }
            for (Runnable warmUp : warmUps) {
                if (stopped.getAsBoolean()) {
                    return;
                }
                warmUp.run();
            }
        }, runnable -> Thread.ofPlatform().daemon().name("aegis-warm-up").start(runnable));
    }

    /** Waits until the warm-ups may begin; false when the daemon stopped first. */
    private static boolean awaitTurn(Pace pace, IntSupplier callsAtWork, BooleanSupplier stopped) {
        long begun = System.nanoTime();
        long earliest = begun + pace.after().toNanos();
        long latest = earliest + pace.atMost().toNanos();
        try {
            while (!stopped.getAsBoolean()) {
                long now = System.nanoTime();
                if (now - earliest >= 0 && (callsAtWork.getAsInt() == 0 || now - latest >= 0)) {
                    return true;
                }
                Thread.sleep(pace.poll());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** The release's price table (read in one streaming pass: tens of ms of a cold start's CPU). */
    CompletableFuture<PriceTable> builtInPrices() {
        return builtInPrices;
    }

    /** BouncyCastle's Ed25519 base-point tables (tens of ms interpreted), which deriving the receipt key's public half uses. */
    private static void precomputeEd25519() {
        try {
            Ed25519.precompute();
        } catch (RuntimeException | LinkageError e) {
            // done later, on the start's own path
        }
    }

    private static void warm() {
        try {
            ManagementFactory.getMemoryMXBean();
            ManagementFactory.getGarbageCollectorMXBeans();
            ManagementFactory.getThreadMXBean();
            ManagementFactory.getOperatingSystemMXBean();
            SQLiteJDBCLoader.initialize();
            ClassLoader loader = StartupWarmUp.class.getClassLoader();
            for (String name : CLASSES) {
                Class.forName(name, true, loader);
            }
            // A record's equals links its call site on first use, spinning method handles (the AOT cache
            // holds none): the routes' registration compares HTTP methods on the main thread.
            HandlerType.GET.equals(HandlerType.POST);
        } catch (Exception | LinkageError e) {
            // done later, on the start's own path
        }
    }
}
