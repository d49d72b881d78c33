package dev.aegis.daemon;

import dev.aegis.config.AegisConfig;
import dev.aegis.config.ConfigException;
import dev.aegis.config.ConfigLoader;
import dev.aegis.control.AegisVersion;
import dev.aegis.control.ControlHandlers;
import dev.aegis.control.DaemonState;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.http.CallsAtWork;
import dev.aegis.http.GatewayServer;
import dev.aegis.reload.ConfigWatcher;
import dev.aegis.store.StoreException;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running daemon: holds the lifetime lock, serves, publishes {@code daemon.json}, and stops in
 * a fixed, bounded order: refuse new calls, drain those in flight, stop the server, close
 * components, remove {@code daemon.json}, release the lock.
 */
public final class Daemon {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    /**
     * How long streams still running when a stop's time is up have to end and be recorded once cut:
     * a stream sees the cut after its provider's next event. Well within the 5 s {@code aegis stop}
     * waits past its {@code --timeout}, with the records' own writing after it.
     */
    static final Duration CUT_GRACE = Duration.ofSeconds(2);

    private final DaemonOptions options;
    private final DaemonStateFile stateFile;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private DaemonLock lock;
    private Components components;
    private GatewayServer server;
    private ConfigWatcher watcher;
    private IdleHeapReturn idleHeapReturn;
    private OldGenerationBound oldGenerationBound;
    private volatile CompletableFuture<Void> warmUps = CompletableFuture.completedFuture(null);
    private DaemonState state;

    /** The start's background warm-ups (TLS, the receipt signer): complete once they have run. */
    CompletableFuture<Void> warmUps() {
        return warmUps;
    }

    private Daemon(DaemonOptions options) {
        this.options = options;
        this.stateFile = new DaemonStateFile(options.home().daemonState());
    }

    /** Starts a daemon; on failure everything acquired so far is released. */
    static Daemon start(DaemonOptions options) throws StartupException {
        return start(options, StartupSteps.begin(), StartupWarmUp.begin(), true);
    }

    /**
     * @param steps the start's timings so far (from the process's launch on, when it was launched)
     * @param warmUp what {@code main} began on another core
     * @param publish whether to write {@code daemon.json} now, or leave it to {@link #publish()}
     */
    static Daemon start(DaemonOptions options, StartupSteps steps, StartupWarmUp warmUp, boolean publish)
            throws StartupException {
        Daemon d = new Daemon(options);
        try {
            d.startUp(steps, warmUp, publish);
            return d;
        } catch (StartupException | RuntimeException e) {
            d.releaseAll();
            throw e;
        }
    }

    private void startUp(StartupSteps steps, StartupWarmUp warmUp, boolean publish) throws StartupException {
        try {
            Optional<DaemonLock> acquired = DaemonLock.tryAcquire(options.home().daemonLock());
            if (acquired.isEmpty()) {
                String who = stateFile.read().map(s -> " (pid " + s.pid() + ", " + s.url() + ")").orElse("");
                throw new StartupException("another Aegis daemon is already running for " + options.home().root() + who);
            }
            lock = acquired.get();
        } catch (IOException e) {
            throw new StartupException("cannot use the home folder " + options.home().root() + ": " + e.getMessage());
        }
        AegisConfig config;
        try {
            config = new ConfigLoader(options.env(), options.home()).load(options.configFile(), options.configExplicit(), options.overrides());
        } catch (ConfigException e) {
            throw new StartupException(e.getMessage());
        }
        steps.done("config");
        // Jetty's start and the opening of the store take about as long as each other: side by side.
        CallsAtWork atWork = new CallsAtWork();
        CompletableFuture<GatewayServer> listening = CompletableFuture.supplyAsync(
                () -> steps.alongside("jetty", () -> GatewayServer.listen(config.server(), atWork)),
                work -> Thread.ofPlatform().daemon().name("aegis-start-server").start(work));
        try {
            components = new Components(config, options.home(), steps, warmUp.builtInPrices(), atWork);
        } catch (IOException | StoreException e) {
            throw new StartupException("cannot open Aegis's files in " + options.home().root() + ": " + e.getMessage());
        } finally {
            server = listening.exceptionally(failure -> null).join(); // started or not: releaseAll stops it
        }
        if (server == null) {
            throw cannotListen(config, listening);
        }
        steps.done("server wait");
        DaemonState initial = new DaemonState(ProcessHandle.current().pid(), config.server().host(), config.server().port(),
                AegisVersion.get(), Instant.now().truncatedTo(ChronoUnit.MILLIS), options.instance(), randomToken());
        ControlHandlers control = new ControlHandlers(initial, components.inFlight, components.reloads, this::stopInBackground);
        if (server.front() != null) {
            components.metrics.bindFront(server.front()::served, server.front()::handedOff, server.front()::nextRequestPolls,
                    server.front()::readYields);
        }
        server.open(app -> components.routes(app, control), components.frontRoutes());
        state = new DaemonState(initial.pid(), initial.host(), server.port(), initial.version(), initial.startedAt(),
                initial.instance(), initial.controlToken());
        if (publish) {
            publish();
        }
        if (options.configFile() != null) {
            watcher = new ConfigWatcher(options.configFile(), new ConfigLoader(options.env(), options.home()),
                    options.overrides(), components.config, components.reloads);
        }
        warmUps = components.warmUp();
        oldGenerationBound = OldGenerationBound.startOnThisJvm().orElse(null);
        Runnable collectFully = oldGenerationBound != null ? oldGenerationBound::collectFully : System::gc;
        idleHeapReturn = IdleHeapReturn.start(components.inFlight, IdleHeapReturn.Heap.ofThisJvm(collectFully), IdleHeapReturn.QUIET);
        steps.done("state");
        LOG.info("Aegis {} listening on {} (pid {}, config {}; started in {})", state.version(), state.url(), state.pid(),
                config.source() == null ? "zero-config" : config.source(), steps.summary());
    }

    /**
     * Writes {@code daemon.json}: from then on the CLI (waiting for this instance) and other
     * commands find this daemon. A daemon started early on guessed flags ({@link EarlyLaunch})
     * publishes only once the CLI has confirmed them, so that the CLI never takes a start it did
     * not ask for as its own.
     */
    void publish() throws StartupException {
        try {
            stateFile.write(state);
            lock.recordHolder();
        } catch (IOException e) {
            throw new StartupException("cannot write " + stateFile.path() + ": " + e.getMessage());
        }
    }

    private static StartupException cannotListen(AegisConfig config, CompletableFuture<GatewayServer> listening) {
        try {
            listening.join();
            throw new IllegalStateException("the server neither started nor failed");
        } catch (CompletionException e) {
            if (e.getCause() instanceof JavalinBindException) {
                return new StartupException("cannot listen on " + config.server().host() + ":" + config.server().port()
                        + ": the address is in use or not available; stop what uses it or pass --port");
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    DaemonState state() {
        return state;
    }

    /** Starts a graceful stop on its own thread, so the control route can answer first. */
    void stopInBackground(Duration drainTimeout) {
        Thread t = new Thread(() -> stop(drainTimeout), "aegis-shutdown");
        t.setDaemon(false);
        t.start();
    }

    /** Graceful, idempotent stop; a second caller waits for the first to finish. */
    void stop(Duration drainTimeout) {
        if (!stopping.compareAndSet(false, true)) {
            awaitStopped();
            return;
        }
        try {
            LOG.info("stopping: refusing new calls, draining up to {} ms", drainTimeout.toMillis());
            boolean drained = components == null || components.inFlight.drain(drainTimeout);
            if (!drained) {
                LOG.warn("{} calls still in flight after {} ms; ending their streams", components.inFlight.active(),
                        drainTimeout.toMillis());
                components.inFlight.cut();
                if (!components.inFlight.drain(CUT_GRACE)) {
                    LOG.warn("{} calls still in flight {} ms after their streams were ended (a provider silent, or an"
                            + " answer not streamed); stopping without their records", components.inFlight.active(),
                            CUT_GRACE.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            boolean training = AotTrainingRun.recording();
            if (training) {
                EarlyLaunchRehearsal.run(this, state, options.home(), options.env());
            }
            AotTrainingRun.awaitWarmUps(warmUps, training, AotTrainingRun.WARM_UP_WAIT);
            releaseAll();
            LOG.info("stopped");
            stopped.countDown();
        }
    }

    void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void releaseAll() {
        if (idleHeapReturn != null) {
            idleHeapReturn.close();
        }
        if (oldGenerationBound != null) {
            oldGenerationBound.close();
        }
        if (watcher != null) {
            watcher.close();
        }
        if (server != null) {
            server.stop();
        }
        if (components != null) {
            components.close();
        }
        if (lock != null) {
            if (state != null) {
                stateFile.read().filter(s -> s.instance().equals(state.instance())).ifPresent(s -> {
                    try {
                        stateFile.delete();
                    } catch (IOException e) {
                        LOG.warn("could not remove {}: {}", stateFile.path(), e.getMessage());
                    }
                });
            }
            try {
                lock.close();
            } catch (IOException e) {
                LOG.warn("could not release the daemon lock: {}", e.getMessage());
            }
        }
    }

    private static String randomToken() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
