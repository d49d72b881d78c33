package dev.aegis.bench;

import dev.aegis.store.Database;
import dev.aegis.store.UsageFilter;
import dev.aegis.store.UsageGroup;
import dev.aegis.store.UsageQueries;
import dev.aegis.store.UsageReport;
import dev.aegis.store.UsageRow;
import dev.aegis.store.UsageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code aegis usage}'s query over a large history: 1,000,000 rows over 90 days, 20 keys, 8 models,
 * written through {@link UsageStore} so the daily rollup is maintained as in the daemon.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UsageReportBenchmark {

    @Param("1000000")
    int rows;

    private Path dir;
    private Database db;
    private UsageQueries queries;
    private long now;

    @Setup(Level.Trial)
    public void seed() throws IOException {
        dir = Files.createTempDirectory("aegis-usage-bench");
        db = Database.open("jdbc:sqlite:" + dir.resolve("aegis.db"));
        UsageStore store = new UsageStore(db);
        SplittableRandom r = new SplittableRandom(42);
        now = System.currentTimeMillis();
        long span = TimeUnit.DAYS.toMillis(90);
        String[] models = {"gpt-4o-mini", "gpt-4o", "gpt-5", "o3", "claude-sonnet-4-5", "claude-haiku-4-5", "gpt-4.1",
            "llama3.2"};
        List<UsageRow> batch = new ArrayList<>(50_000);
        for (int i = 0; i < rows; i++) {
            String model = models[r.nextInt(models.length)];
            batch.add(new UsageRow(now - r.nextLong(span), "req-" + i, "key" + r.nextInt(20), "tenant" + r.nextInt(4),
                    "run-" + r.nextInt(1000), "/v1/responses", model, model, model.startsWith("claude") ? "anthropic" : "openai",
                    200, null, r.nextInt(100_000), r.nextInt(50_000), 0, r.nextInt(4000), r.nextInt(1000),
                    r.nextInt(1_000_000), false, "v", 100.0, 50.0, true, true));
            if (batch.size() == 50_000) {
                store.insert(batch);
                batch.clear();
            }
        }
        store.insert(batch);
        queries = new UsageQueries(db);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        db.close();
    }

    @Benchmark
    public UsageReport last30DaysByModel() {
        return queries.report(new UsageFilter(now - TimeUnit.DAYS.toMillis(30), null, null, null, null, null), UsageGroup.MODEL);
    }

    @Benchmark
    public UsageReport allTimeByDay() {
        return queries.report(UsageFilter.ALL, UsageGroup.DAY);
    }

    /** Runs are not in the daily rollup: this one still aggregates every row. */
    @Benchmark
    public UsageReport allTimeByRun() {
        return queries.report(UsageFilter.ALL, UsageGroup.RUN);
    }

    @Benchmark
    public UsageReport oneKeyAllTime() {
        return queries.report(UsageFilter.ALL.withKey("key7"), UsageGroup.MODEL);
    }
}
