package dev.aegis.cli.doctor;

import dev.aegis.cli.CliException;
import dev.aegis.cli.daemon.DaemonClient;
import dev.aegis.cli.daemon.DaemonLauncher;
import dev.aegis.cli.daemon.DaemonLocator;
import dev.aegis.cli.daemon.LaunchSpec;
import dev.aegis.config.AegisConfig;
import dev.aegis.control.DaemonState;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.home.AegisHome;
import dev.aegis.home.SecureFiles;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a replay runs against: the built-in fake provider on a loopback port, and a throwaway daemon
 * (this install's own daemon code, started the way {@code aegis start} starts it) reading the user's
 * config with every provider pointed at the fake, in a temporary home with a key minted for the replay.
 *
 * <p>Why not the user's running daemon: its providers are the real ones, and a replay through it
 * would spend real tokens with the user's provider keys. Nothing here touches the user's home.
 */
final class ReplayRig implements AutoCloseable {

    private static final Duration START_WAIT = Duration.ofSeconds(30);

    private final FakeProvider fake;
    private final AegisHome home;
    private final DaemonState daemon;
    private final String key;

    /** Stops the replay daemon (it runs detached) when doctor is interrupted, e.g. by Ctrl-C. */
    private final Thread onExit = new Thread(this::stop, "aegis-doctor-replay-stop");

    private ReplayRig(FakeProvider fake, AegisHome home, DaemonState daemon, String key) {
        this.fake = fake;
        this.home = home;
        this.daemon = daemon;
        this.key = key;
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /**
     * @param userFile the config file the user's daemon reads (null or absent: zero-config)
     * @param config that file as loaded, already known to be valid
     */
    static ReplayRig start(Path userFile, AegisConfig config, Map<String, String> userEnv) {
        FakeProvider fake = FakeProvider.start();
        AegisHome home = null;
        try {
            home = new AegisHome(Files.createTempDirectory("aegis-doctor-")).ensureCreated();
            String fakeHost = fake.anthropicBaseUrl();
            Path replayConfig = home.configFile();
            SecureFiles.writeAtomically(replayConfig, ReplayConfig.yaml(userFile, config, fakeHost));
            String key = mintKey(home);
            DaemonState state = new DaemonLauncher(home, ReplayConfig.environment(userEnv, config, fakeHost))
                    .startDetached(new LaunchSpec("127.0.0.1", 0, replayConfig.toString()), START_WAIT);
            return new ReplayRig(fake, home, state, key);
        } catch (IOException | RuntimeException e) {
            fake.close();
            if (home != null) {
                deleteTree(home.root());
            }
            if (e instanceof CliException c) {
                throw c;
            }
            throw new CliException("cannot set up the replay: " + e.getMessage());
        }
    }

    private static String mintKey(AegisHome home) {
        try (Database db = Database.open(Database.defaultUrl(home))) {
            ApiKeys.Minted minted = ApiKeys.mint();
            new SqlKeyStore(db, InstantSource.system()).create(new NewKey("aegis-doctor", "default", false, List.of(),
                    null, null, InstantSource.system().instant().plus(Duration.ofHours(1)), null), minted);
            return minted.key();
        }
    }

    /** The replay daemon's base URL, e.g. {@code http://127.0.0.1:41234}. */
    String url() {
        return daemon.url();
    }

    /** A key the replay daemon accepts. */
    String key() {
        return key;
    }

    FakeProvider fake() {
        return fake;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException e) {
            // shutting down: the hook stops it
        }
        stop();
    }

    private void stop() {
        try {
            new DaemonClient().requestShutdown(daemon, Duration.ofSeconds(2));
            DaemonLocator locator = new DaemonLocator(home);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (locator.lockHeld() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            fake.close();
            deleteTree(home.root());
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder; the OS cleans it up eventually
        }
    }
}
