package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.NewKey;
import dev.aegis.store.CreditBalance;
import dev.aegis.store.Money;
import dev.aegis.store.SqlCreditLedger;
import dev.aegis.store.PostgresServer;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Team mode (docs/TEAM.md): two daemons on one PostgreSQL share keys, credits and usage. 64
 * calls at once through both on a small balance overdraw it by at most one call; a key minted,
 * revoked or topped up anywhere is seen by the other daemon within a second.
 */
class TeamModeIT {

    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"" + "word ".repeat(40) + "\"}]}";

    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();

    @TempDir
    Path temp;

    private TestGateway daemon(String storeUrl) throws Exception {
        return TestGateway.start(temp, null, Map.of("AEGIS_STORE_URL", storeUrl));
    }

    private static HttpResponse<String> call(TestGateway g, String key) throws Exception {
        return Http.send(g.post("/v1/chat/completions", CHAT).setHeader("Authorization", "Bearer " + key));
    }

    @Test
    void twoDaemonsOnOneBalanceOverdrawItByAtMostOneCall() throws Exception {
        String url = POSTGRES.server().newDatabase();
        try (TestGateway a = daemon(url); TestGateway b = daemon(url)) {
            String rich = a.mintKey(new NewKey("rich", "default", false, List.of(), null, null, null, new BigDecimal("1000")));
            HttpResponse<String> first = call(b, rich);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            // The row daemon b wrote is read through daemon a's store: one set of usage.
            long oneCall = a.awaitUsage(first.headers().firstValue("X-Request-Id").orElseThrow()).costNanos();
            assertThat(oneCall).isPositive();
            // What a call holds while in flight: the balance it left available, from $1000.
            long estimate = Money.toNanos(new BigDecimal("1000"))
                    - Money.toNanos(new BigDecimal(first.headers().firstValue("X-Aegis-Credits-Remaining").orElseThrow()));
            assertThat(estimate).isGreaterThanOrEqualTo(oneCall);

            // Worth three calls in flight at once: the daemons race for the last of it.
            BigDecimal initial = Money.toUsd(3 * estimate);
            String key = a.mintKey(new NewKey("tight", "default", false, List.of(), null, null, null, initial));
            a.fake.headerDelay(Duration.ofMillis(150));
            b.fake.headerDelay(Duration.ofMillis(150));
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 64; i++) {
                    TestGateway through = i % 2 == 0 ? a : b;
                    calls.add(pool.submit(() -> {
                        go.await();
                        return call(through, key);
                    }));
                }
                go.countDown();
            }
            long served = 0;
            long costs = 0;
            for (Future<HttpResponse<String>> f : calls) {
                HttpResponse<String> r = f.get();
                assertThat(r.statusCode()).as(r.body()).isIn(200, 402);
                costs += a.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow()).costNanos();
                served += r.statusCode() == 200 ? 1 : 0;
            }
            CreditBalance after = new SqlCreditLedger(a.db, InstantSource.system()).balance(ApiKeys.parse(key).orElseThrow().id())
                    .orElseThrow();
            assertThat(after.reservedUsd()).isZero();
            long balance = Money.toNanos(after.balanceUsd());
            assertThat(Money.toNanos(initial) - balance).as("charged exactly what the usage rows record").isEqualTo(costs);
            assertThat(served).isGreaterThanOrEqualTo(3);
            assertThat(balance).as("%d calls served through two daemons on a balance worth 3 in flight", served)
                    .isGreaterThanOrEqualTo(-oneCall);
        }
    }

    @Test
    void keysAndCreditsChangedAnywhereReachTheOtherDaemonWithinASecond() throws Exception {
        String url = POSTGRES.server().newDatabase();
        try (TestGateway a = daemon(url); TestGateway b = daemon(url)) {
            // A key daemon b has just refused as unknown, then minted through a's store (as `aegis keygen` would).
            ApiKeys.Minted minted = ApiKeys.mint();
            assertThat(call(b, minted.key()).statusCode()).isEqualTo(401);
            a.keyStore.create(new NewKey("new", "default", false, List.of(), null, null, null, BigDecimal.ZERO), minted);
            assertThat(call(b, minted.key()).statusCode()).as("no credits yet").isIn(401, 402);
            assertWithinASecond(b, minted.key(), s -> s == 402);

            new SqlCreditLedger(a.db, InstantSource.system()).add(minted.id(), new BigDecimal("5"));
            assertWithinASecond(b, minted.key(), s -> s == 200);

            a.keyStore.revoke(minted.id());
            assertWithinASecond(b, minted.key(), s -> s == 401);
        }
    }

    @Test
    void aDaemonJoiningAStoreWithHistoryStartsAndServes() throws Exception {
        String url = POSTGRES.server().newDatabase();
        try (TestGateway first = daemon(url)) {
            assertThat(Http.send(first.post("/v1/chat/completions", CHAT)).statusCode()).isEqualTo(200);
            HttpResponse<String> r = Http.send(first.post("/v1/chat/completions", CHAT));
            first.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow());
            // A new machine (its own home, its own receipt key) joins the team's store.
            try (TestGateway joining = daemon(url)) {
                HttpResponse<String> served = Http.send(joining.post("/v1/chat/completions", CHAT));
                assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
                assertThat(Http.send(first.post("/v1/chat/completions", CHAT)).statusCode()).isEqualTo(200);
            }
        }
    }

    /** Calls daemon g until it answers as expected; it must within a second (and a little for the calls themselves). */
    private static void assertWithinASecond(TestGateway g, String key, IntPredicate expected) throws Exception {
        long start = System.nanoTime();
        int status;
        do {
            status = call(g, key).statusCode();
        } while (!expected.test(status) && System.nanoTime() - start < Duration.ofSeconds(3).toNanos());
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(expected.test(status)).as("last status %d after %d ms", status, tookMs).isTrue();
        assertThat(tookMs).as("seen after %d ms", tookMs).isLessThan(1_500);
    }
}
