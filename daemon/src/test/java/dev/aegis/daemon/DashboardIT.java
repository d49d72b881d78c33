package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.control.ControlRoutes;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.json.Json;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.NewKey;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web dashboard over HTTP (issue 27): one-time login links exchanged for an HttpOnly,
 * SameSite=Strict session cookie; a plain key sees only its own calls; the admin actions need the
 * CSRF token; the page runs under a CSP without inline code; its numbers are the usage report's.
 */
class DashboardIT {

    @TempDir
    static Path temp;

    static TestGateway gateway;
    static String alice;
    static String bob;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(temp);
        alice = gateway.mintKey(new NewKey("alice", "team-a", false, List.of(), 100, null, null, new BigDecimal("5")));
        bob = gateway.mintKey(new NewKey("bob", "team-b", false, List.of(), null, null, null, null));
        String last = null;
        for (String key : List.of(alice, alice, bob)) {
            last = call(key, "{\"model\":\"gpt-4o-mini\"}").headers().firstValue("X-Request-Id").orElseThrow();
        }
        HttpResponse<String> blocked = call(bob, "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"ghp_0123456789abcdefghijklmnopqrstuvwxyz\"}]}");
        assertThat(blocked.statusCode()).isEqualTo(403);
        gateway.awaitUsage(last);
        gateway.awaitUsage(blocked.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    private static HttpResponse<String> call(String key, String body) throws Exception {
        return Http.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static String id(String key) {
        return ApiKeys.parse(key).orElseThrow().id();
    }

    /** A login link minted with the daemon's control token (what `aegis dashboard` does). */
    private static String operatorLink(String query) throws Exception {
        return operatorLink(gateway, query);
    }

    private static String operatorLink(TestGateway g, String query) throws Exception {
        HttpResponse<String> r = Http.send(HttpRequest.newBuilder(URI.create(g.url() + "/ui/login-link" + query))
                .header(ControlRoutes.CONTROL_TOKEN_HEADER, g.state().controlToken())
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r.body()).path("url").asText();
    }

    private static String token(String link) {
        Matcher m = Pattern.compile("#login=([A-Za-z0-9_-]+)$").matcher(link);
        assertThat(m.find()).as(link).isTrue();
        return m.group(1);
    }

    private static HttpResponse<String> exchange(String token) throws Exception {
        return exchange(gateway, token);
    }

    private static HttpResponse<String> exchange(TestGateway g, String token) throws Exception {
        return Http.send(Http.post(g.url() + "/ui/api/session", "{\"token\":\"" + token + "\"}"));
    }

    /** Logs in with a fresh link; the cookie and the CSRF token. */
    private record Login(String cookie, String csrf) {}

    private static Login login(String link) throws Exception {
        return login(gateway, link);
    }

    private static Login login(TestGateway g, String link) throws Exception {
        HttpResponse<String> r = exchange(g, token(link));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return new Login(setCookie.substring(0, setCookie.indexOf(';')), Http.json(r.body()).path("csrf").asText());
    }

    private static HttpResponse<String> get(Login login, String path) throws Exception {
        return get(gateway, login, path);
    }

    private static HttpResponse<String> get(TestGateway g, Login login, String path) throws Exception {
        return Http.send(HttpRequest.newBuilder(URI.create(g.url() + path)).header("Cookie", login.cookie()).GET());
    }

    private static HttpResponse<String> action(Login login, String path, String body, String csrf, String origin)
            throws Exception {
        HttpRequest.Builder b = Http.post(gateway.url() + path, body).header("Cookie", login.cookie());
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return Http.send(b);
    }

    @Test
    void aLoginLinkWorksOnceAndGivesAnHttpOnlyStrictCookie() throws Exception {
        String link = operatorLink("");
        assertThat(link).startsWith(gateway.url() + "/ui/#login=");
        HttpResponse<String> first = exchange(token(link));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Set-Cookie").orElseThrow())
                .startsWith("aegis_ui_session=").contains("HttpOnly").contains("SameSite=Strict").contains("Path=/ui");
        assertThat(Http.json(first.body()).at("/viewer/admin").asBoolean()).isTrue();

        HttpResponse<String> again = exchange(token(link));
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(Http.json(again.body()).at("/error/code").asText()).isEqualTo("invalid_login_link");
    }

    @Test
    void dataNeedsASessionAndLinksNeedTheControlTokenOrAKey() throws Exception {
        HttpResponse<String> anonymous = Http.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/ui/api/summary")).GET());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(Http.json(anonymous.body()).at("/error/code").asText()).isEqualTo("not_logged_in");

        HttpResponse<String> noToken = Http.send(Http.post(gateway.url() + "/ui/login-link", ""));
        assertThat(noToken.statusCode()).isEqualTo(401);
        HttpResponse<String> wrongToken = Http.send(Http.post(gateway.url() + "/ui/login-link", "")
                .header(ControlRoutes.CONTROL_TOKEN_HEADER, "not-the-token"));
        assertThat(wrongToken.statusCode()).isEqualTo(401);
    }

    @Test
    void theOperatorSeesTheUsageReportsNumbers() throws Exception {
        Login op = login(operatorLink(""));
        String ops = gateway.mintKey(new NewKey("ops", "default", true, List.of(), null, null, null, null));
        // The other tests' calls may still be on their way to the store: read both until they have settled.
        JsonNode summary;
        JsonNode total;
        long settled = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        do {
            summary = Http.json(get(op, "/ui/api/summary?since=30d").body());
            total = Http.json(Http.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/aegis/v1/usage?since=30d"))
                    .header("x-api-key", ops).GET()).body()).path("total");
        } while (summary.at("/total/requests").asLong() != total.path("requests").asLong() && System.nanoTime() < settled);
        assertThat(summary.at("/total/requests").asLong()).isEqualTo(total.path("requests").asLong()).isGreaterThanOrEqualTo(4);
        assertThat(summary.at("/total/cost_usd").decimalValue()).isEqualByComparingTo(total.path("cost_usd").decimalValue());
        assertThat(summary.at("/total/input").asLong()).isEqualTo(total.path("input").asLong());

        assertThat(summary.at("/by/key").findValuesAsText("name")).contains("alice", "bob");
        assertThat(summary.at("/by/tenant").findValuesAsText("group")).contains("team-a", "team-b");
        assertThat(summary.at("/by/provider").findValuesAsText("group")).contains("openai");

        for (String bucket : List.of("day", "hour")) {
            BigDecimal cost;
            long requests;
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            do { // calls of tests that ran before this one may still be reaching the store
                total = Http.json(Http.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/aegis/v1/usage?since=30d"))
                        .header("x-api-key", ops).GET()).body()).path("total");
                JsonNode series = Http.json(get(op, "/ui/api/series?since=7d&bucket=" + bucket + "&by=model").body());
                cost = BigDecimal.ZERO;
                requests = 0;
                for (JsonNode p : series.path("points")) {
                    cost = cost.add(p.path("cost_usd").decimalValue());
                    requests += p.path("requests").asLong();
                }
            } while (requests != total.path("requests").asLong() && System.nanoTime() < until);
            assertThat(requests).as(bucket).isEqualTo(total.path("requests").asLong());
            assertThat(cost).as(bucket).isEqualByComparingTo(total.path("cost_usd").decimalValue());
        }
        assertThat(get(op, "/ui/api/series?since=90d&bucket=hour").statusCode()).isEqualTo(400);
        assertThat(Http.json(get(op, "/ui/api/series?since=7d&by=key").body()).path("points").findValuesAsText("group"))
                .contains("alice (" + id(alice) + ")", "bob (" + id(bob) + ")");

        JsonNode secrets = Http.json(get(op, "/ui/api/secrets?since=30d").body());
        assertThat(secrets.path("kinds").toString()).contains("\"kind\":\"github_token\",\"blocked\":1,\"redacted\":0");

        JsonNode credits = of(Http.json(get(op, "/ui/api/credits").body()), id(alice));
        assertThat(credits.path("name").asText()).isEqualTo("alice");
        assertThat(credits.path("balance_usd").decimalValue()).isLessThan(new BigDecimal("5"));
        assertThat(credits.path("burn_usd_per_day").decimalValue()).isPositive();
        assertThat(credits.path("runs_out_in_days").decimalValue()).isPositive();

        // the receipt writer batches up to 200 ms apart: poll, bounded
        long deadline = System.nanoTime() + 5_000_000_000L;
        JsonNode receipts = Http.json(get(op, "/ui/api/receipts").body());
        while (receipts.at("/head/seq").asLong() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            receipts = Http.json(get(op, "/ui/api/receipts").body());
        }
        assertThat(receipts.path("enabled").asBoolean()).isTrue();
        assertThat(receipts.at("/head/seq").asLong()).as(receipts.toString()).isGreaterThanOrEqualTo(4);
        assertThat(receipts.at("/head/hash").asText()).isNotEmpty();

        JsonNode limits = of(Http.json(get(op, "/ui/api/limits").body()), id(alice));
        assertThat(limits.path("rpm").asInt()).isEqualTo(100);
        assertThat(limits.path("rpm_used").asInt()).isGreaterThanOrEqualTo(2);
    }

    /**
     * Tenant and run budgets as bars (issue 27 item 1): {@code /ui/api/limits} answers the policy and
     * what the daemon's live budget state has counted per tenant (a sub-tenant's calls count for its
     * parent too) and per run of a key, and each key's use of governance's rate limits; a plain key
     * sees only its own tenants, runs and key.
     */
    @Test
    void tenantAndRunBudgetsComeFromTheLiveBudgetState() throws Exception {
        String governance = """
                governance:
                  enabled: true
                  rate_limits:
                    - window: 24h
                      requests: 10
                  policy:
                    hardStop: false
                    tokens: {perRun: 100000, perMinute: 500000, perDay: 1000000}
                """;
        try (TestGateway g = TestGateway.start(temp, governance, Map.of())) {
            String dave = g.mintKey(new NewKey("dave", "acme", false, List.of(), null, null, null, null, null, null, null, true));
            String erin = g.mintKey(new NewKey("erin", "beta", false, List.of(), null, null, null, null));
            long daveTokens = 0;
            for (int i = 0; i < 2; i++) {
                daveTokens += tokens(g, g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}")
                        .setHeader("Authorization", "Bearer " + dave).header("x-tenant-id", "acme/red").header("x-run-id", "run-1"));
            }
            long erinTokens = tokens(g, g.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}")
                    .setHeader("Authorization", "Bearer " + erin).header("x-run-id", "run-2"));
            assertThat(daveTokens).isPositive();

            Login op = login(g, operatorLink(g, ""));
            JsonNode limits = Http.json(get(g, op, "/ui/api/limits").body());
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            while (!limits.path("runs").toString().contains("run-2") && System.nanoTime() < until) {
                Thread.sleep(20); // bounded poll: the last call is counted as it ends
                limits = Http.json(get(g, op, "/ui/api/limits").body());
            }
            assertThat(limits.at("/policy/per_run").asLong()).as(limits.toString()).isEqualTo(100000);
            assertThat(limits.at("/policy/per_minute").asLong()).isEqualTo(500000);
            assertThat(limits.at("/policy/per_day").asLong()).isEqualTo(1000000);
            assertThat(limits.at("/policy/hard_stop").asBoolean(true)).isFalse();
            assertThat(named(limits.path("tenants"), "tenant", "acme/red").path("day_used").asLong()).isEqualTo(daveTokens);
            assertThat(named(limits.path("tenants"), "tenant", "acme/red").path("minute_used").asLong()).isBetween(0L, daveTokens);
            assertThat(named(limits.path("tenants"), "tenant", "acme").path("day_used").asLong()).isEqualTo(daveTokens);
            assertThat(named(limits.path("tenants"), "tenant", "beta").path("day_used").asLong()).isEqualTo(erinTokens);
            JsonNode run1 = named(limits.path("runs"), "run", "run-1");
            assertThat(run1.path("key_id").asText()).isEqualTo(id(dave));
            assertThat(run1.path("name").asText()).isEqualTo("dave");
            assertThat(run1.path("used").asLong()).isEqualTo(daveTokens);
            assertThat(run1.path("last_call").asText()).isNotEmpty();
            assertThat(named(limits.path("runs"), "run", "run-2").path("used").asLong()).isEqualTo(erinTokens);
            // governance's per-key rate limits, from the live limiter: 10 a day leaves each call counted all day
            JsonNode daveRule = of(limits, id(dave)).path("rate_limits").path(0);
            assertThat(daveRule.path("window_seconds").asLong()).as(limits.toString()).isEqualTo(86400);
            assertThat(daveRule.path("unit").asText()).isEqualTo("requests");
            assertThat(daveRule.path("limit").asLong()).isEqualTo(10);
            assertThat(daveRule.path("used").asLong()).isEqualTo(2);
            assertThat(of(limits, id(erin)).at("/rate_limits/0/used").asLong()).isEqualTo(1);

            // spend over time stacked by run: read from the raw rows, so over at most 7 days
            JsonNode byRun = Http.json(get(g, op, "/ui/api/series?since=24h&bucket=hour&by=run").body());
            Map<String, Long> runTokens = new java.util.HashMap<>();
            for (JsonNode p : byRun.path("points")) {
                runTokens.merge(p.path("group").asText(), p.path("input").asLong() + p.path("output").asLong(), Long::sum);
            }
            assertThat(runTokens).as(byRun.toString()).containsEntry("run-1", daveTokens).containsEntry("run-2", erinTokens);
            assertThat(Http.json(get(g, op, "/ui/api/series?since=7d&by=run").body()).path("by").asText()).isEqualTo("run");
            HttpResponse<String> tooLong = get(g, op, "/ui/api/series?since=30d&by=run");
            assertThat(tooLong.statusCode()).as(tooLong.body()).isEqualTo(400);

            HttpResponse<String> own = Http.send(Http.post(g.url() + "/ui/login-link", "").header("x-api-key", dave));
            Login d = login(g, Http.json(own.body()).path("url").asText());
            JsonNode mine = Http.json(get(g, d, "/ui/api/limits").body());
            assertThat(mine.path("tenants").findValuesAsText("tenant")).containsExactlyInAnyOrder("acme/red", "acme");
            assertThat(mine.path("runs").findValuesAsText("run")).containsExactly("run-1");
            assertThat(mine.path("keys").findValuesAsText("key_id")).containsExactly(id(dave));
        }
    }

    /** A call's tokens, once its usage row is stored (the budget state counts them when the call ends). */
    private static long tokens(TestGateway g, HttpRequest.Builder call) throws Exception {
        HttpResponse<String> r = Http.send(call);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        UsageRowView row = g.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow());
        return row.input() + row.output();
    }

    private static JsonNode named(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (n.path(field).asText().equals(value)) {
                return n;
            }
        }
        throw new AssertionError("no " + field + " " + value + " in " + array);
    }

    private static JsonNode of(JsonNode keys, String keyId) {
        for (JsonNode k : keys.path("keys")) {
            if (k.path("key_id").asText().equals(keyId)) {
                return k;
            }
        }
        throw new AssertionError("no " + keyId + " in " + keys);
    }

    @Test
    void sessionsWithTheirSpendTokensAndCacheHitRateEachKeyItsOwn() throws Exception {
        String carol = gateway.mintKey(new NewKey("carol", "team-c", false, List.of(), null, null, null, null));
        String dave = gateway.mintKey(new NewKey("dave", "team-c", false, List.of(), null, null, null, null));
        String last = null;
        for (String[] c : new String[][] {{carol, "dash-s1"}, {carol, "dash-s1"}, {carol, "dash-s2"}, {dave, "dash-dave"}}) {
            last = Http.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + c[0]).header("x-claude-code-session-id", c[1])
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\"}")))
                    .headers().firstValue("X-Request-Id").orElseThrow();
        }
        gateway.awaitUsage(last);
        HttpResponse<String> own = Http.send(Http.post(gateway.url() + "/ui/login-link", "").header("x-api-key", carol));
        Login c = login(Http.json(own.body()).path("url").asText());
        // Not with a short-lived token minted from the key: the session would outlive it.
        String jwt = Http.json(Http.send(Http.post(gateway.url() + "/auth/token", "{\"apiKey\":\"" + carol + "\"}")).body())
                .path("token").asText();
        assertThat(jwt).isNotEmpty();
        HttpResponse<String> byToken = Http.send(Http.post(gateway.url() + "/ui/login-link", "")
                .header("Authorization", "Bearer " + jwt));
        assertThat(byToken.statusCode()).isEqualTo(401);
        assertThat(byToken.body()).contains("needs the Aegis key itself");
        JsonNode summary = Http.json(get(c, "/ui/api/summary?since=30d").body());
        JsonNode sessions = summary.at("/by/session");
        assertThat(sessions.findValuesAsText("group")).containsExactly("dash-s1", "dash-s2");
        assertThat(sessions.get(0).path("requests").asLong()).isEqualTo(2);
        assertThat(sessions.get(0).path("input").asLong()).isEqualTo(42);
        assertThat(sessions.get(0).path("cost_usd").decimalValue()).isPositive();
        // The fake bills 21 prompt tokens, 5 of them cached.
        assertThat(sessions.get(0).path("cache_hit_rate").decimalValue()).isEqualByComparingTo("0.2381");
        assertThat(summary.at("/total/cache_hit_rate").decimalValue()).isEqualByComparingTo("0.2381");
        assertThat(summary.at("/by/model/0/cache_hit_rate").decimalValue()).isEqualByComparingTo("0.2381");
        assertThat(summary.path("sessions_since").asText()).isNotEmpty();
        // spend over time stacked by session: from the raw rows, over at most 7 days, a key's own only
        JsonNode bySession = Http.json(get(c, "/ui/api/series?since=24h&bucket=hour&by=session").body());
        Map<String, Long> sessionCalls = new java.util.HashMap<>();
        for (JsonNode p : bySession.path("points")) {
            sessionCalls.merge(p.path("group").asText(), p.path("requests").asLong(), Long::sum);
        }
        assertThat(sessionCalls).as(bySession.toString()).isEqualTo(Map.of("dash-s1", 2L, "dash-s2", 1L));
        assertThat(get(c, "/ui/api/series?since=30d&by=session").statusCode()).isEqualTo(400);
    }

    /**
     * One key minting links and sessions in a loop pushes out only its own oldest: the operator's link and session
     * live on (an outside review logged everyone out, and kept the operator's link from working, with one plain key).
     */
    @Test
    void aKeyMintingLinksInALoopPushesOutOnlyItsOwn() throws Exception {
        String operatorsLink = operatorLink("");
        Login operator = login(operatorLink(""));
        List<String> tokens = new java.util.ArrayList<>();
        for (int i = 0; i < 9; i++) { // one more than a viewer may have waiting
            HttpResponse<String> r = Http.send(Http.post(gateway.url() + "/ui/login-link", "").header("x-api-key", bob));
            assertThat(r.statusCode()).isEqualTo(200);
            tokens.add(token(Http.json(r.body()).path("url").asText()));
        }
        assertThat(exchange(tokens.getFirst()).statusCode()).as("bob's oldest link, pushed out by his ninth").isEqualTo(401);
        List<Login> bobs = new java.util.ArrayList<>();
        for (String t : tokens.subList(1, 9)) {
            bobs.add(login(gateway, "#login=" + t));
        }
        for (int i = 0; i < 9; i++) { // 17 sessions in all: one more than a viewer may have open
            HttpResponse<String> r = Http.send(Http.post(gateway.url() + "/ui/login-link", "").header("x-api-key", bob));
            bobs.add(login(Http.json(r.body()).path("url").asText()));
        }
        assertThat(get(bobs.getFirst(), "/ui/api/me").statusCode()).as("bob's oldest session, closed by his 17th").isEqualTo(401);
        assertThat(get(bobs.getLast(), "/ui/api/me").statusCode()).isEqualTo(200);
        assertThat(get(operator, "/ui/api/me").statusCode()).as("the operator's session").isEqualTo(200);
        assertThat(exchange(token(operatorsLink)).statusCode()).as("the operator's waiting link").isEqualTo(200);
    }

    @Test
    void aPlainKeySeesOnlyItsOwnCallsLiveAndInTheNumbers() throws Exception {
        HttpResponse<String> own = Http.send(Http.post(gateway.url() + "/ui/login-link", "").header("x-api-key", alice));
        assertThat(own.statusCode()).isEqualTo(200);
        Login a = login(Http.json(own.body()).path("url").asText());

        JsonNode summary = Http.json(get(a, "/ui/api/summary?since=30d").body());
        assertThat(summary.at("/total/requests").asLong()).isEqualTo(2);
        assertThat(summary.at("/by/key").findValuesAsText("group")).containsExactly(id(alice));
        assertThat(summary.path("key_names").has(id(bob))).isFalse();
        assertThat(Http.json(get(a, "/ui/api/secrets?since=30d").body()).path("kinds")).isEmpty();

        HttpResponse<InputStream> events = Http.open(HttpRequest.newBuilder(URI.create(gateway.url() + "/ui/api/events"))
                .header("Cookie", a.cookie()).GET());
        try (InputStream in = events.body()) {
            assertThat(Http.readEvent(in)).startsWith(": aegis events");
            call(bob, "{\"model\":\"gpt-4o-mini\"}");
            String aliceCall = call(alice, "{\"model\":\"gpt-4o-mini\"}").headers().firstValue("X-Request-Id").orElseThrow();
            String event = Http.readEvent(in);
            assertThat(event).startsWith("event: call").contains(aliceCall).contains(id(alice)).doesNotContain(id(bob));
        }

        assertThat(get(a, "/ui/api/receipts").statusCode()).isEqualTo(403);

        HttpResponse<String> revokeBob = action(a, "/ui/api/keys/" + id(bob) + "/revoke", "{}", a.csrf(), null);
        assertThat(revokeBob.statusCode()).isEqualTo(403);
        assertThat(Http.json(revokeBob.body()).at("/error/code").asText()).isEqualTo("forbidden");
    }

    @Test
    void adminActionsNeedTheCsrfTokenAndTheSameOrigin() throws Exception {
        String carol = gateway.mintKey(new NewKey("carol", "default", false, List.of(), null, null, null, null));
        Login op = login(operatorLink(""));
        String revoke = "/ui/api/keys/" + id(carol) + "/revoke";

        HttpResponse<String> noCsrf = action(op, revoke, "{}", null, null);
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(Http.json(noCsrf.body()).at("/error/code").asText()).isEqualTo("csrf_token_invalid");
        assertThat(action(op, revoke, "{}", "wrong", null).statusCode()).isEqualTo(403);
        assertThat(action(op, revoke, "{}", op.csrf(), "http://evil.example").statusCode()).isEqualTo(403);
        assertThat(call(carol, "{\"model\":\"gpt-4o-mini\"}").statusCode()).isEqualTo(200);

        HttpResponse<String> credits = action(op, "/ui/api/keys/" + id(carol) + "/credits", "{\"usd\":\"2.50\"}", op.csrf(),
                gateway.url());
        assertThat(credits.statusCode()).as(credits.body()).isEqualTo(200);
        assertThat(Http.json(credits.body()).path("balance_usd").decimalValue()).isEqualByComparingTo("2.5");
        assertThat(action(op, "/ui/api/keys/" + id(carol) + "/credits", "{\"usd\":\"-1\"}", op.csrf(), null).statusCode())
                .isEqualTo(400);

        HttpResponse<String> revoked = action(op, revoke, "{}", op.csrf(), gateway.url());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(call(carol, "{\"model\":\"gpt-4o-mini\"}").statusCode()).isEqualTo(401);
    }

    /**
     * Money in the dashboard's JSON is written as in every other JSON output: an exact plain decimal,
     * never an exponent (an outside review found {@code "cost_usd":1.5E-7} and {@code "balance_usd":1E+1}).
     */
    @Test
    void moneyIsAPlainDecimalNeverAnExponent() throws Exception {
        String tiny = gateway.mintKey(new NewKey("tiny", "team-t", false, List.of(), null, null, null, null));
        Login op = login(operatorLink(""));
        HttpResponse<String> topUp = action(op, "/ui/api/keys/" + id(tiny) + "/credits", "{\"usd\":\"10\"}", op.csrf(), null);
        assertThat(topUp.statusCode()).as(topUp.body()).isEqualTo(200);
        assertThat(topUp.body()).contains("\"balance_usd\":10}");

        // One input token of gpt-4o-mini ($0.15 a million): $0.00000015.
        gateway.fake.enqueue(new FakeProvider.CannedResponse(200, "application/json",
                "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[],"
                        + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":0}}", Map.of()));
        HttpResponse<String> r = call(tiny, "{\"model\":\"gpt-4o-mini\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        gateway.awaitUsage(r.headers().firstValue("X-Request-Id").orElseThrow());

        Login t = login(Http.json(Http.send(Http.post(gateway.url() + "/ui/login-link", "").header("x-api-key", tiny)).body())
                .path("url").asText());
        String summary = get(t, "/ui/api/summary?since=1d").body();
        assertThat(summary).containsPattern("\"total\":\\{[^}]*\"cost_usd\":0.00000015,")
                .containsPattern("\"model\":\\[\\{[^}]*\"cost_usd\":0.00000015,");
        String series = get(t, "/ui/api/series?since=1d&bucket=hour").body();
        assertThat(series).contains("\"cost_usd\":0.00000015}");
        String credits = get(t, "/ui/api/credits").body();
        // $0.00000015 over the 7 days of the burn window, to 9 places
        assertThat(credits).contains("\"balance_usd\":9.99999985,").contains("\"reserved_usd\":0,")
                .contains("\"burn_usd_per_day\":0.000000021,");
        for (String body : List.of(topUp.body(), summary, series, credits)) {
            assertThat(body).doesNotContainPattern("_usd[a-z_]*\":-?[0-9.]*[eE]");
        }
    }

    /** A link minted before its key was revoked opens no session (an outside review got a cookie with it). */
    @Test
    void aLinkOfARevokedKeyIsRefused() throws Exception {
        String gone = gateway.mintKey(new NewKey("gone", "default", false, List.of(), null, null, null, null));
        HttpResponse<String> minted = Http.send(Http.post(gateway.url() + "/ui/login-link", "").header("x-api-key", gone));
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);
        Login op = login(operatorLink(""));
        HttpResponse<String> revoked = action(op, "/ui/api/keys/" + id(gone) + "/revoke", "{}", op.csrf(), null);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);

        HttpResponse<String> r = exchange(token(Http.json(minted.body()).path("url").asText()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(Http.json(r.body()).at("/error/code").asText()).isEqualTo("invalid_login_link");
        assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
    }

    /** An amount that is not a decimal is refused with the SPEC's code, as an amount out of range is. */
    @Test
    void creditsThatAreNotAnAmountAreAnInvalidRequest() throws Exception {
        String payee = gateway.mintKey(new NewKey("payee", "default", false, List.of(), null, null, null, null));
        Login op = login(operatorLink(""));
        for (String usd : List.of("NaN", "Infinity", "  1", "0x10", "", "-1", "0", "0.0000000001", "1000001")) {
            HttpResponse<String> r = action(op, "/ui/api/keys/" + id(payee) + "/credits",
                    Json.mapper().createObjectNode().put("usd", usd).toString(), op.csrf(), null);
            assertThat(r.statusCode()).as("'" + usd + "' -> " + r.body()).isEqualTo(400);
            assertThat(Http.json(r.body()).at("/error/code").asText()).as("'" + usd + "'").isEqualTo("invalid_request");
        }
    }

    /** A revoked key's balance is marked inactive (the page offers no action on it) and its limit bars are gone. */
    @Test
    void aRevokedKeyIsMarkedInCreditsAndLeavesTheLimits() throws Exception {
        String retired = gateway.mintKey(new NewKey("retired", "default", false, List.of(), 10, null, null, new BigDecimal("1")));
        Login op = login(operatorLink(""));
        assertThat(of(Http.json(get(op, "/ui/api/credits").body()), id(retired)).path("active").asBoolean()).isTrue();
        assertThat(of(Http.json(get(op, "/ui/api/limits").body()), id(retired)).path("rpm").asInt()).isEqualTo(10);

        HttpResponse<String> revoked = action(op, "/ui/api/keys/" + id(retired) + "/revoke", "{}", op.csrf(), null);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        JsonNode credits = of(Http.json(get(op, "/ui/api/credits").body()), id(retired));
        assertThat(credits.path("active").isBoolean()).as(credits.toString()).isTrue();
        assertThat(credits.path("active").asBoolean()).isFalse();
        assertThat(credits.path("balance_usd").decimalValue()).isEqualByComparingTo("1");
        assertThat(Http.json(get(op, "/ui/api/limits").body()).path("keys").findValuesAsText("key_id")).doesNotContain(id(retired));
    }

    @Test
    void thePageAndItsAssetsRunUnderAStrictCspWithoutInlineCode() throws Exception {
        HttpResponse<String> page = Http.get(gateway.url() + "/ui/", "text/html");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'self'").contains("script-src 'self'").doesNotContain("unsafe-inline");
        String html = page.body();
        assertThat(html).contains("<script src=\"/ui/assets/app.js\"").doesNotContainPattern("<script(?![^>]*\\bsrc=)")
                .doesNotContainPattern("\\son[a-z]+=").doesNotContainPattern("\\sstyle=").doesNotContainPattern("<style")
                .doesNotContain("http://").doesNotContain("https://");
        for (String asset : List.of("app.js", "chart.js", "app.css")) {
            HttpResponse<String> r = Http.get(gateway.url() + "/ui/assets/" + asset, "*/*");
            assertThat(r.statusCode()).as(asset).isEqualTo(200);
            assertThat(r.body()).as(asset).doesNotContain("https://").doesNotContain("innerHTML").doesNotContain("eval(");
        }
        assertThat(Http.get(gateway.url() + "/ui/assets/..%2Fapp.js", "*/*").statusCode()).isIn(400, 404);
        assertThat(Http.get(gateway.url() + "/ui/assets/nope.js", "*/*").statusCode()).isEqualTo(404);
    }

    @Test
    void aLinkForAKeyMintedWithTheControlTokenIsThatKeys() throws Exception {
        Login b = login(operatorLink("?key=" + id(bob)));
        JsonNode me = Http.json(get(b, "/ui/api/me").body());
        assertThat(me.at("/viewer/key_id").asText()).isEqualTo(id(bob));
        assertThat(me.at("/viewer/admin").asBoolean()).isFalse();
        assertThat(Http.json(get(b, "/ui/api/summary?since=30d").body()).at("/by/key").findValuesAsText("group"))
                .containsOnly(id(bob));
    }
}
