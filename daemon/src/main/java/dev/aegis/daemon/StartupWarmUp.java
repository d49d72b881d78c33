package dev.aegis.daemon;

import dev.aegis.pricing.PriceTable;
import io.javalin.http.HandlerType;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
     * Runs a warm-up of the running daemon (TLS, the receipt signer: CPU-bound for a few hundred ms
     * of a cold start) on a platform thread of its own. On a virtual thread it held one of the
     * carriers that run the calls (one per core) until it was done, and the first calls after the
     * start waited for it (docs/STARTUP.md).
     */
    static CompletableFuture<Void> inBackground(String name, Runnable warmUp) {
        return CompletableFuture.runAsync(warmUp, runnable -> Thread.ofPlatform().daemon().name(name).start(runnable));
    }

    /** The release's price table (a cold JSON parse, 50–200 ms of a start). */
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
