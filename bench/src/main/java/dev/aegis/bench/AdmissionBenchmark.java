package dev.aegis.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.aegis.admission.BudgetGuard;
import dev.aegis.admission.BudgetTracker;
import dev.aegis.admission.CreditGuard;
import dev.aegis.admission.RateLimiter;
import dev.aegis.auth.Authenticator;
import dev.aegis.auth.JwtTokens;
import dev.aegis.auth.KeyCache;
import dev.aegis.config.BudgetPolicy;
import dev.aegis.config.GovernanceConfig;
import dev.aegis.config.PricingConfig;
import dev.aegis.config.RateLimitRule;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.KeyRecord;
import dev.aegis.keys.NewKey;
import dev.aegis.pricing.Pricing;
import dev.aegis.store.Database;
import dev.aegis.store.SqlCreditLedger;
import dev.aegis.store.SqlKeyStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
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

/**
 * The admission path of a call (issue 4: ≤ 20 µs): key check, rate limit (a generous rpm, so it
 * admits), budget lookup, and the credit check of a key without a credit limit.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AdmissionBenchmark {

    private Database db;
    private Authenticator authenticator;
    private RateLimiter limiter;
    private BudgetTracker budgets;
    private CreditGuard credits;
    private String key;
    private final List<RateLimitRule> rules = List.of(new RateLimitRule(Duration.ofMinutes(1), 1_000_000_000, 0, true));
    private final BudgetPolicy policy = new BudgetPolicy(true, 0, 1_000_000_000, 1_000_000_000);
    private final GovernanceConfig governance = new GovernanceConfig(true, List.of(), policy, GovernanceConfig.Credits.DEFAULT);
    /** A 200-byte chat body, the external harness's. */
    private static final byte[] BODY = ("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + "x".repeat(140) + "\"}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private BudgetGuard budgetGuard;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path dir = Files.createTempDirectory("aegis-admission-bench");
        db = Database.open("jdbc:sqlite:" + dir.resolve("aegis.db"));
        SqlKeyStore store = new SqlKeyStore(db, InstantSource.system());
        ApiKeys.Minted minted = ApiKeys.mint();
        store.create(new NewKey("bench", "default", false, List.of(), null, null, null, null), minted);
        key = minted.key();
        authenticator = new Authenticator(new KeyCache(store, Ticker.systemTicker()),
                JwtTokens.fromFile(dir.resolve("jwt.secret"), InstantSource.system()), InstantSource.system());
        limiter = new RateLimiter(System::nanoTime);
        budgets = new BudgetTracker(InstantSource.system());
        Pricing pricing = Pricing.from(PricingConfig.DEFAULT);
        budgetGuard = new BudgetGuard(budgets, pricing);
        credits = new CreditGuard(new SqlCreditLedger(db, InstantSource.system()), pricing, Ticker.systemTicker());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        db.close();
    }

    @Benchmark
    public Object admit() {
        KeyRecord k = authenticator.check(key).orElseThrow();
        RateLimiter.Verdict v = limiter.acquire(k.id(), rules);
        // A hard budget's check and hold, and its release when the call is charged (as every governed call).
        BudgetGuard.Admitted admitted = budgetGuard.admit(k, new BudgetGuard.Call(k.tenant(), null, null, "gpt-4o-mini", null,
                BODY, 0, 1, 1_000), governance, (name, value) -> { });
        budgetGuard.charge(k, k.tenant(), null, null, governance, 0, 0, admitted.hold());
        return credits.reserve(k, List.of("gpt-4o-mini"), new CreditGuard.CallSize(40_000, 0, null, 1, null), true).isPresent()
                || v.allowed() && admitted.output() > 0;
    }
}
