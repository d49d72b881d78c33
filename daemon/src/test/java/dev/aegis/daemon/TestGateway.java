package dev.aegis.daemon;

import dev.aegis.config.ConfigOverrides;
import dev.aegis.control.DaemonState;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.home.AegisHome;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.NewKey;
import dev.aegis.store.Database;
import dev.aegis.store.SqlKeyStore;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.InstantSource;
import java.util.List;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** A real daemon on a random loopback port in a temporary home, in front of a fake provider. */
public final class TestGateway implements AutoCloseable {

    public static final String PROVIDER_KEY = "sk-provider-secret-0123456789";
    public static final String ANTHROPIC_PROVIDER_KEY = "sk-ant-provider-secret-0123456789";

    public final FakeProvider fake;
    public final Path homeDir;
    private final Daemon daemon;
    /** A second connection to the daemon's database (its home's, or {@code AEGIS_STORE_URL}'s), as the CLI would have. */
    public final Database db;
    public final SqlKeyStore keyStore;
    /** A valid key for calls, minted at start. */
    public final String clientKey;

    private TestGateway(FakeProvider fake, Path homeDir, Daemon daemon, String storeUrl) {
        this.fake = fake;
        this.homeDir = homeDir;
        this.daemon = daemon;
        this.db = Database.open(storeUrl != null ? storeUrl : Database.defaultUrl(new AegisHome(homeDir)));
        this.keyStore = new SqlKeyStore(db, InstantSource.system());
        this.clientKey = mintKey(new NewKey("test", "default", false, List.of(), null, null, null, null));
    }

    /** Mints a key in the daemon's database and returns its secret. */
    public String mintKey(NewKey request) {
        ApiKeys.Minted minted = ApiKeys.mint();
        keyStore.create(request, minted);
        return minted.key();
    }

    /** A POST to the daemon carrying {@link #clientKey}. */
    public HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(URI.create(url() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + clientKey)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    public static TestGateway start(Path tempDir) throws Exception {
        return start(tempDir, null, Map.of());
    }

    /**
     * Starts with an optional config file body and extra environment (which may override the fake's URL).
     * {@code {fake}} in the config stands for the fake provider's root URL.
     */
    public static TestGateway start(Path tempDir, String yaml, Map<String, String> extraEnv) throws Exception {
        return startIn(tempDir.resolve("home-" + UUID.randomUUID()), yaml, extraEnv);
    }

    /** Starts in a given home folder (a daemon started again where another stopped). */
    public static TestGateway startIn(Path home, String yaml, Map<String, String> extraEnv) throws Exception {
        FakeProvider fake = FakeProvider.start();
        try {
            Path config = home.resolve("aegis.yaml");
            if (yaml != null) {
                Files.createDirectories(home);
                Files.writeString(config, yaml.replace("{fake}", fake.anthropicBaseUrl()), StandardCharsets.UTF_8);
            }
            Map<String, String> env = new HashMap<>();
            env.put("OPENAI_API_KEY", PROVIDER_KEY);
            env.put("AEGIS_OPENAI_BASE_URL", fake.baseUrl());
            env.put("ANTHROPIC_API_KEY", ANTHROPIC_PROVIDER_KEY);
            env.put("AEGIS_ANTHROPIC_BASE_URL", fake.anthropicBaseUrl());
            env.putAll(extraEnv);
            AegisHome aegisHome = new AegisHome(home).ensureCreated();
            DaemonOptions options = new DaemonOptions(aegisHome, config, false, new ConfigOverrides("127.0.0.1", 0),
                    UUID.randomUUID().toString(), true, env);
            return new TestGateway(fake, home, Daemon.start(options), env.get("AEGIS_STORE_URL"));
        } catch (Exception | Error e) {
            fake.close();
            throw e;
        }
    }

    /** The usage row of a call, waiting (bounded) for the recorder's next flush. */
    public UsageRowView awaitUsage(String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            java.util.Optional<UsageRowView> row = UsageRowView.find(db, requestId);
            if (row.isPresent()) {
                return row.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no usage row for request " + requestId + " within 5 s");
    }

    /**
     * Waits (30 s at most) for the start's background warm-ups, which take a few hundred ms of CPU on
     * threads of their own: for tests whose bounds depend on how soon background work runs.
     */
    public TestGateway warmedUp() throws Exception {
        daemon.warmUps().get(30, java.util.concurrent.TimeUnit.SECONDS);
        return this;
    }

    public DaemonState state() {
        return daemon.state();
    }

    public String url() {
        return daemon.state().url();
    }

    public void stop(Duration drain) {
        daemon.stop(drain);
    }

    @Override
    public void close() throws IOException {
        daemon.stop(Duration.ofSeconds(5));
        db.close();
        fake.close();
    }
}
