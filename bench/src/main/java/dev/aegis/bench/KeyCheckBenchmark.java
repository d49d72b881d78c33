package dev.aegis.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.aegis.auth.Authenticator;
import dev.aegis.auth.JwtTokens;
import dev.aegis.auth.KeyCache;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.KeyRecord;
import dev.aegis.keys.NewKey;
import dev.aegis.store.Database;
import dev.aegis.store.SqlKeyStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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

/** The key check every call pays: parse, cached lookup by id, SHA-256 and a constant-time compare. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KeyCheckBenchmark {

    private Path dir;
    private Database db;
    private Authenticator authenticator;
    private String key;
    private String jwt;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("aegis-bench");
        db = Database.open("jdbc:sqlite:" + dir.resolve("aegis.db"));
        SqlKeyStore store = new SqlKeyStore(db, InstantSource.system());
        ApiKeys.Minted minted = ApiKeys.mint();
        store.create(new NewKey("bench", "default", false, List.of(), null, null, null, null), minted);
        key = minted.key();
        JwtTokens tokens = JwtTokens.fromFile(dir.resolve("jwt.secret"), InstantSource.system());
        jwt = tokens.issue(minted.id());
        authenticator = new Authenticator(new KeyCache(store, Ticker.systemTicker()), tokens, InstantSource.system());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        db.close();
    }

    @Benchmark
    public Optional<KeyRecord> cachedKeyCheck() {
        return authenticator.check(key);
    }

    @Benchmark
    public Optional<KeyRecord> cachedJwtCheck() {
        return authenticator.check(jwt);
    }
}
