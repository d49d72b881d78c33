package dev.aegis.cli.bench;

import dev.aegis.cli.CliException;
import dev.aegis.cli.daemon.DaemonClient;
import dev.aegis.cli.daemon.DaemonLauncher;
import dev.aegis.cli.daemon.LaunchSpec;
import dev.aegis.cli.daemon.ProcessLiveness;
import dev.aegis.config.AegisConfig;
import dev.aegis.config.ConfigException;
import dev.aegis.config.ConfigLoader;
import dev.aegis.config.ConfigOverrides;
import dev.aegis.config.Setting;
import dev.aegis.control.DaemonState;
import dev.aegis.home.AegisHome;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.NewKey;
import dev.aegis.store.Database;
import dev.aegis.store.SqlKeyStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * An Aegis daemon of its own for a benchmark, set up as a governed deployment would be: a temporary
 * home, a minted key, governance on with rate limits and token budgets too high to bind (so they are
 * checked on every call but refuse none), usage rows and signed receipts written. It runs as its own
 * process, exactly as {@code aegis start} runs it, and is stopped and its home deleted on close.
 */
public final class BenchGateway implements AutoCloseable {

    private static final String PROVIDER_KEY_VARIABLE = "AEGIS_BENCH_PROVIDER_KEY";
    private static final Duration START_WAIT = Duration.ofSeconds(60);

    private final Path root;
    private final DaemonState state;
    private final String key;
    /** Stops the daemon and deletes the folder if the CLI is interrupted (Ctrl-C, SIGTERM) before {@link #close}. */
    private final Thread interrupted;

    private BenchGateway(Path root, DaemonState state, String key, Thread interrupted) {
        this.interrupted = interrupted;
        this.root = root;
        this.state = state;
        this.key = key;
    }

    /**
     * @param upstreamBaseUrl the provider's OpenAI-style base URL
     * @param receipts whether signed receipts are written (they are in a default setup)
     * @param userEnv the caller's environment: only {@code AEGIS_DAEMON_OPTS}, {@code PATH} and locale
     *     settings are passed on, so the user's own config, port and keys play no part
     */
    public static BenchGateway start(String upstreamBaseUrl, boolean receipts, Map<String, String> userEnv) {
        return start(upstreamBaseUrl, receipts, userEnv, "");
    }

    /** @param extraConfig more YAML sections for the daemon's config (the MCP benchmark's {@code mcp:}) */
    public static BenchGateway start(String upstreamBaseUrl, boolean receipts, Map<String, String> userEnv,
            String extraConfig) {
        Path root;
        try {
            root = Files.createTempDirectory("aegis-bench-");
        } catch (IOException e) {
            throw new CliException("cannot create a temporary folder for the benchmark: " + e.getMessage());
        }
        AegisHome home = new AegisHome(root.resolve("home"));
        java.util.concurrent.atomic.AtomicReference<ProcessHandle> launched = new java.util.concurrent.atomic.AtomicReference<>();
        Thread interrupted = new Thread(() -> abandon(home, root, launched.get()), "aegis-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(interrupted);
        try {
            home.ensureCreated();
            Path config = home.configFile();
            Files.writeString(config, config(upstreamBaseUrl, receipts) + extraConfig);
            Map<String, String> env = environment(userEnv, home);
            String key = mintKey(env, home, config);
            DaemonState state = new DaemonLauncher(home, env)
                    .startDetached(new LaunchSpec("127.0.0.1", 0, config.toString()), START_WAIT, launched::set);
            return new BenchGateway(root, state, key, interrupted);
        } catch (IOException e) {
            delete(root);
            throw new CliException("cannot set up the benchmark's daemon in " + root + ": " + e.getMessage());
        } catch (RuntimeException e) {
            delete(root);
            throw e;
        }
    }

    /**
     * The CLI is exiting with the benchmark unfinished (Ctrl-C, SIGTERM): its daemon, started or starting (found by
     * its state, the pid in its lock file, or as the launcher spawned it), is killed, and the folder with its keys
     * deleted.
     *
     * @param launched the daemon's process as the launcher spawned it, or null when it did not get that far
     */
    private static void abandon(AegisHome home, Path root, ProcessHandle launched) {
        Optional<ProcessHandle> daemon = new dev.aegis.control.DaemonStateFile(home.daemonState()).read()
                .flatMap(s -> ProcessHandle.of(s.pid())).or(() -> new dev.aegis.cli.daemon.DaemonLocator(home).lockHolder())
                .or(() -> Optional.ofNullable(launched).filter(ProcessHandle::isAlive));
        daemon.ifPresent(p -> {
            p.destroyForcibly();
            ProcessLiveness.awaitExit(p, Duration.ofSeconds(5));
        });
        delete(root);
    }

    static String config(String upstreamBaseUrl, boolean receipts) {
        int high = Integer.MAX_VALUE;
        return """
                # written by aegis bench: a governed setup whose limits never bind
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  openai: { type: openai, base_url: "%s", api_key_env: %s }
                default_provider: openai
                governance:
                  enabled: true
                  policy: { hardStop: true, tokens: { perRun: %d, perMinute: %d, perDay: %d } }
                  rate_limits:
                    - { window: 1m, requests: %d, scope: all }
                    - { window: 1m, tokens: %d, scope: model }
                audit: { receipts: %s }
                """.formatted(upstreamBaseUrl, PROVIDER_KEY_VARIABLE, high, high, high, high, high, receipts);
    }

    private static Map<String, String> environment(Map<String, String> userEnv, AegisHome home) {
        Map<String, String> env = new HashMap<>();
        for (String name : List.of("PATH", "LANG", "LC_ALL", "TMPDIR", Setting.AEGIS_DAEMON_OPTS.name(),
                // so a memory profiler or another allocator can be put under the daemon (docs/BENCHMARKS.md)
                "LD_PRELOAD", "MALLOC_CONF", "MALLOC_ARENA_MAX",
                // so the team-mode store (PostgreSQL) can be measured beside the SQLite default (docs/TEAM.md)
                Setting.AEGIS_STORE_URL.name())) {
            if (userEnv.get(name) != null) {
                env.put(name, userEnv.get(name));
            }
        }
        env.put(AegisHome.ENV, home.root().toString());
        env.put(PROVIDER_KEY_VARIABLE, "sk-bench-upstream");
        return env;
    }

    private static String mintKey(Map<String, String> env, AegisHome home, Path config) {
        AegisConfig cfg;
        try {
            cfg = new ConfigLoader(env, home).load(config, true, ConfigOverrides.NONE);
        } catch (ConfigException e) {
            throw new CliException("the benchmark's config is invalid: " + e.getMessage());
        }
        try (Database db = Database.open(cfg.storeUrl())) {
            ApiKeys.Minted minted = ApiKeys.mint();
            new SqlKeyStore(db, InstantSource.system()).create(
                    new NewKey("bench", "default", false, List.of(), null, null, null, null), minted);
            return minted.key();
        }
    }

    /** The daemon's control token (what {@code aegis mcp approve} sends). */
    public String controlToken() {
        return state.controlToken();
    }

    /** The gateway's port on loopback. */
    public int port() {
        return state.port();
    }

    /** The key minted for the benchmark. */
    public String key() {
        return key;
    }

    public long pid() {
        return state.pid();
    }

    /** CPU time the daemon has used so far, in nanoseconds; 0 when unknown. */
    public long cpuNanos() {
        return ProcessStats.cpuNanos(state.pid());
    }

    /** The daemon's resident memory now, in bytes; empty where {@code /proc} does not exist. */
    public OptionalLong rssBytes() {
        return ProcessStats.resident(state.pid());
    }

    /** The daemon's highest resident memory so far, in bytes; empty where {@code /proc} does not exist. */
    public OptionalLong peakRssBytes() {
        return ProcessStats.peak(state.pid());
    }

    /** Stops the daemon gracefully (records flushed) and deletes its home. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(interrupted);
        } catch (IllegalStateException e) {
            return; // the JVM is exiting: the hook does the cleanup
        }
        try {
            new DaemonClient().requestShutdown(state, Duration.ofSeconds(10));
            ProcessHandle.of(state.pid()).ifPresent(p -> {
                if (!ProcessLiveness.awaitExit(p, Duration.ofSeconds(30))) {
                    p.destroyForcibly();
                }
            });
        } finally {
            delete(root);
        }
    }

    private static void delete(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
