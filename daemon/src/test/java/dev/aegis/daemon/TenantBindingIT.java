package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.keys.NewKey;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key's tenant is bound to the key: {@code x-tenant-id} may repeat it, or name a sub-tenant only for
 * a key minted with sub-tenants; run budgets are kept per key, so one key cannot spend another's run.
 */
class TenantBindingIT {

    private static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}";

    @TempDir
    Path temp;

    TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        // Each call bills 26 tokens (21 in, 5 out) and counts 9 for its prompt up front.
        gateway = TestGateway.start(temp, null, Map.of("AEGIS_GOVERNANCE_ENABLED", "true",
                "AEGIS_DEFAULT_POLICY_JSON", "{\"hardStop\": true, \"tokens\": {\"perRun\": 60, \"perDay\": 100}}"));
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    private String key(String tenant, boolean subTenants, String run) {
        return gateway.mintKey(new NewKey("k", tenant, false, List.of(), null, null, null, null, run, null, null,
                subTenants));
    }

    private HttpResponse<String> call(String key, String tenant, String run) throws Exception {
        HttpRequest.Builder b = Http.post(gateway.url() + "/v1/chat/completions", BODY).header("Authorization", "Bearer " + key);
        if (tenant != null) {
            b.header("x-tenant-id", tenant);
        }
        if (run != null) {
            b.header("x-run-id", run);
        }
        HttpResponse<String> r = Http.send(b);
        gateway.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow());
        return r;
    }

    private static String code(HttpResponse<String> r) throws Exception {
        return Http.json(r.body()).at("/error/code").asText();
    }

    @Test
    void aHeaderNamingAnotherTenantIsRefusedAndTheCallIsRecordedUnderTheKeysTenant() throws Exception {
        String acme = key("acme", false, null);

        HttpResponse<String> other = call(acme, "globex", null);
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(code(other)).isEqualTo("tenant_not_allowed");
        assertThat(Http.json(other.body()).at("/error/message").asText()).contains("acme");
        UsageRowView row = gateway.awaitUsage(other.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(row.tenant()).isEqualTo("acme");
        assertThat(row.status()).isEqualTo(403);
        assertThat(gateway.fake.requests()).isEmpty();

        // A sub-tenant needs a key minted for it.
        assertThat(call(acme, "acme/team-1", null).statusCode()).isEqualTo(403);

        HttpResponse<String> same = call(acme, "acme", null);
        assertThat(same.statusCode()).isEqualTo(200);
        assertThat(gateway.awaitUsage(same.headers().firstValue("X-Request-Id").orElseThrow()).tenant()).isEqualTo("acme");
    }

    @Test
    void aKeyMintedWithoutATenantBelongsToDefaultAndMayNotNameAnother() throws Exception {
        HttpResponse<String> named = Http.send(gateway.post("/v1/chat/completions", BODY).header("x-tenant-id", "acme"));
        assertThat(named.statusCode()).isEqualTo(403);
        assertThat(code(named)).isEqualTo("tenant_not_allowed");
        HttpResponse<String> plain = Http.send(gateway.post("/v1/chat/completions", BODY));
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(gateway.awaitUsage(plain.headers().firstValue("X-Request-Id").orElseThrow()).tenant()).isEqualTo("default");
    }

    @Test
    void randomTenantIdsGetNoFreshDayBudget() throws Exception {
        String acme = key("acme", false, null);
        // 100 a day: four calls fit (the fourth's output capped to what is left), then the day is spent.
        int ok = 0;
        HttpResponse<String> r;
        while ((r = call(acme, null, null)).statusCode() == 200) {
            ok++;
            assertThat(ok).isLessThan(10);
        }
        assertThat(code(r)).isEqualTo("budget_exceeded");
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> fresh = call(acme, "tenant-" + i, null);
            assertThat(fresh.statusCode()).isEqualTo(403);
        }
    }

    @Test
    void subTenantKeysNameTheirOwnSubTenantsWhichShareTheKeysTenantBudget() throws Exception {
        String acme = key("acme", true, null);

        HttpResponse<String> sub = call(acme, "acme/team-1", null);
        assertThat(sub.statusCode()).isEqualTo(200);
        assertThat(gateway.awaitUsage(sub.headers().firstValue("X-Request-Id").orElseThrow()).tenant())
                .isEqualTo("acme/team-1");
        assertThat(code(call(acme, "acmex", null))).isEqualTo("tenant_not_allowed");
        assertThat(code(call(acme, "globex/team-1", null))).isEqualTo("tenant_not_allowed");
        assertThat(code(call(acme, "acme/", null))).isEqualTo("tenant_not_allowed");

        // Every sub-tenant spends acme's day too: a new sub-tenant gets no fresh budget.
        int i = 2;
        HttpResponse<String> r;
        while ((r = call(acme, "acme/team-" + i, null)).statusCode() == 200) {
            i++;
            assertThat(i).isLessThan(12);
        }
        assertThat(code(r)).isEqualTo("budget_exceeded");
        assertThat(call(acme, "acme/team-" + (i + 1), null).statusCode()).isEqualTo(429);
    }

    @Test
    void runBudgetsArePerKeySoOneKeyCannotSpendAnothersRun() throws Exception {
        String first = key("acme", false, null);
        String second = key("acme", false, null);
        // 60 a run: two calls of 26 fit, the third finds 8 left, less than its prompt.
        assertThat(call(first, null, "shared-run").statusCode()).isEqualTo(200);
        assertThat(call(first, null, "shared-run").statusCode()).isEqualTo(200);
        HttpResponse<String> spent = call(first, null, "shared-run");
        assertThat(spent.statusCode()).isEqualTo(429);
        assertThat(Http.json(spent.body()).at("/error/message").asText()).contains("run");

        HttpResponse<String> other = call(second, null, "shared-run");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(gateway.awaitUsage(other.headers().firstValue("X-Request-Id").orElseThrow()).runId())
                .isEqualTo("shared-run");
    }

    @Test
    void aKeyMintedForARunMayOnlyRepeatIt() throws Exception {
        String runKey = key("default", false, "run-1");

        HttpResponse<String> other = call(runKey, null, "run-2");
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(code(other)).isEqualTo("run_not_allowed");
        HttpResponse<String> same = call(runKey, null, "run-1");
        assertThat(same.statusCode()).isEqualTo(200);
        assertThat(gateway.awaitUsage(same.headers().firstValue("X-Request-Id").orElseThrow()).runId()).isEqualTo("run-1");
        HttpResponse<String> none = call(runKey, null, null);
        assertThat(gateway.awaitUsage(none.headers().firstValue("X-Request-Id").orElseThrow()).runId()).isEqualTo("run-1");
    }
}
