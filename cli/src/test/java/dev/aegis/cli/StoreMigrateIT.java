package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.json.Json;
import dev.aegis.store.Database;
import dev.aegis.store.PostgresServer;
import dev.aegis.store.PromptLogEntry;
import dev.aegis.store.PromptLogStore;
import dev.aegis.store.ReceiptHead;
import dev.aegis.store.SecretFindings;
import dev.aegis.store.UsageRow;
import dev.aegis.store.UsageStore;
import dev.aegis.testing.RefusedPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aegis store migrate}: a real SQLite home copied into a real PostgreSQL, twice; the reports,
 * keys and credits read the same from either store, and a key minted on the laptop works on a
 * daemon started against the team's database.
 */
class StoreMigrateIT {

    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();

    private static final long DAY = 86_400_000L;
    /** More than one transaction's worth (StoreCopy: 10,000), so batches, and rows sharing a millisecond across them, are exercised. */
    private static final int USAGE_ROWS = 12_000;

    /** What CSV must carry through: a comma, quotes, a line break, a backslash, non-ASCII. */
    private static final String PREVIEW = "hi, \"there\"\nsecond line \\ \u00e9\u4e2d ,,";

    @TempDir
    Path temp;

    private static JsonNode json(CliRun run) throws Exception {
        assertThat(run.exitCode()).as(run.all()).isZero();
        return Json.mapper().readTree(run.out());
    }

    private static Map<String, Long> counts(JsonNode summary, String field) {
        Map<String, Long> out = new HashMap<>();
        summary.path("tables").forEach(t -> out.put(t.path("table").asText(), t.path(field).asLong()));
        return out;
    }

    /** A laptop's history: three keys (one revoked, one with sub-tenants, one admin), credits spent, usage, prompt log, a receipt head. */
    private static List<String> laptopHistory(String home) throws Exception {
        Map<String, String> none = Map.of();
        String a = json(CliRun.run(none, CliRun.args(home, "keygen", "--name", "alice", "--credits", "5", "--json")))
                .path("id").asText();
        String b = json(CliRun.run(none, CliRun.args(home, "keygen", "--name", "ci", "--tenant", "team", "--sub-tenants",
                "--tokens", "100000", "--json"))).path("id").asText();
        String c = json(CliRun.run(none, CliRun.args(home, "keygen", "--name", "old", "--admin", "--json"))).path("id").asText();
        assertThat(CliRun.run(none, CliRun.args(home, "keys", "revoke", c)).exitCode()).isZero();
        assertThat(CliRun.run(none, CliRun.args(home, "credits", "add", a, "-1.25")).exitCode()).isZero();

        long now = System.currentTimeMillis();
        List<UsageRow> rows = new ArrayList<>();
        String[] keys = {a, b, c, null};
        String[] models = {"gpt-4o-mini", "o3", "claude-sonnet-4"};
        for (int i = 0; i < USAGE_ROWS; i++) {
            // Ten days back to now, 20 calls per millisecond: whole days come from the rollup in reports.
            long ts = now - 10 * DAY + (i / 20) * (10 * DAY / (USAGE_ROWS / 20));
            String key = keys[i % 4];
            rows.add(new UsageRow(ts, "req_" + i, key, key == null ? null : key.equals(b) ? "team/x" : "default",
                    key == b ? "run-1" : null, "/v1/chat/completions", models[i % 3], models[i % 3], "openai",
                    i % 17 == 0 ? 429 : 200, i % 17 == 0 ? "rate_limited" : null, 100 + i, i % 5, 0, 10 + i % 7, i % 3,
                    1_000L + i, false, "v1", 1.5, i % 2 == 0 ? 0.5 : null, i % 2 == 0, true,
                    i % 101 == 0 ? SecretFindings.of(Map.of("aws_access_key_id", 2)) : null));
        }
        // Two calls with one caller-chosen request id in the same millisecond are two rows, and stay two.
        rows.add(new UsageRow(now - DAY, "same", a, "default", null, "/v1/chat/completions", "o3", "o3", "openai", 200, null,
                7, 0, 0, 7, 0, 77, false, "v1", 1.0, null, false, true));
        rows.add(new UsageRow(now - DAY, "same", a, "default", null, "/v1/chat/completions", "o3", "o3", "openai", 200, null,
                7, 0, 0, 7, 0, 77, false, "v1", 1.0, null, false, true));
        try (Database db = Database.open("jdbc:sqlite:" + Path.of(home, "aegis.db"))) {
            UsageStore usage = new UsageStore(db);
            usage.insert(rows.subList(0, rows.size() - 3));
            usage.insertSigned(rows.subList(rows.size() - 3, rows.size()), 1, new ReceiptHead(3, "ab".repeat(32), "fp"));
            new PromptLogStore(db).insert(List.of(
                    new PromptLogEntry(now - 5, "req_1", a, "/v1/chat/completions", "o3", 200, null, 10, 2, PREVIEW, "", 0),
                    new PromptLogEntry(now - 4, "req_2", b, "/v1/chat/completions", "o3", 200, null, 10, 2, "[REDACTED]", "ok", 1)),
                    100);
        }
        return List.of(a, b, c);
    }

    @Test
    void copiesTheWholeHistoryOnceAndPostgresReportsTheSame() throws Exception {
        String home = temp.resolve("laptop").toString();
        List<String> ids = laptopHistory(home);
        String url = POSTGRES.server().newDatabase();
        Map<String, String> none = Map.of();

        JsonNode first = json(CliRun.run(none, CliRun.args(home, "store", "migrate", "--to", url, "--json")));
        Map<String, Long> copied = counts(first, "copied");
        assertThat(copied).containsEntry("api_keys", 3L).containsEntry("credit_accounts", 1L)
                .containsEntry("usage", (long) USAGE_ROWS + 2).containsEntry("prompt_log", 2L).containsEntry("receipt_heads", 1L)
                .containsEntry("usage_daily", 0L).containsEntry("credit_reservations", 0L);
        assertThat(counts(first, "already_there").values()).containsOnly(0L);
        assertThat(first.path("tables").findValuesAsText("table")).containsExactly("api_keys", "credit_accounts",
                "credit_reservations", "usage", "usage_daily", "prompt_log", "receipt_heads", "budget_counters",
                "rate_limit_state", "receipt_verifications", "mcp_tool_pins", "mcp_server_approvals",
                "credit_settlements", "schema_version");

        JsonNode again = json(CliRun.run(none, CliRun.args(home, "store", "migrate", "--to", url, "--json")));
        assertThat(counts(again, "copied").values()).containsOnly(0L);
        assertThat(counts(again, "already_there")).containsEntry("api_keys", 3L).containsEntry("credit_accounts", 1L)
                .containsEntry("usage", (long) USAGE_ROWS + 2).containsEntry("prompt_log", 2L).containsEntry("receipt_heads", 1L);
        CliRun text = CliRun.run(none, CliRun.args(home, "store", "migrate", "--to", url));
        assertThat(text.exitCode()).as(text.all()).isZero();
        assertThat(text.out()).contains("ALREADY THERE").contains("Nothing new to copy");

        Map<String, String> team = Map.of("AEGIS_STORE_URL", url);
        for (String by : List.of("model", "day", "key", "tenant", "run")) {
            JsonNode onSqlite = json(CliRun.run(none, CliRun.args(home, "usage", "--by", by, "--json")));
            JsonNode onPostgres = json(CliRun.run(team, CliRun.args(home, "usage", "--by", by, "--json")));
            assertThat(onPostgres.path("total")).as("total by " + by).isEqualTo(onSqlite.path("total"));
            assertThat(onPostgres.path("groups")).as("groups by " + by).isEqualTo(onSqlite.path("groups"));
        }
        assertThat(json(CliRun.run(none, CliRun.args(home, "usage", "--json"))).at("/total/requests").asLong())
                .isEqualTo(USAGE_ROWS + 2);
        assertThat(json(CliRun.run(team, CliRun.args(home, "keys", "list", "--json"))))
                .isEqualTo(json(CliRun.run(none, CliRun.args(home, "keys", "list", "--json"))));
        for (String id : ids) {
            assertThat(json(CliRun.run(team, CliRun.args(home, "keys", "show", id, "--json"))))
                    .isEqualTo(json(CliRun.run(none, CliRun.args(home, "keys", "show", id, "--json"))));
            assertThat(json(CliRun.run(team, CliRun.args(home, "credits", "show", id, "--json"))))
                    .isEqualTo(json(CliRun.run(none, CliRun.args(home, "credits", "show", id, "--json"))));
        }
        assertThat(json(CliRun.run(team, CliRun.args(home, "credits", "show", ids.get(0), "--json"))).path("balance_usd")
                .asText()).isEqualTo("3.75");

        // The rows themselves, not only their sums: findings and receipt seqs came along.
        try (Database pg = Database.open(url)) {
            assertThat(pg.<Long>read(c -> one(c, "SELECT COUNT(*) FROM usage WHERE secret_findings IS NOT NULL")))
                    .isEqualTo((USAGE_ROWS + 100) / 101L);
            assertThat(pg.<Long>read(c -> one(c, "SELECT MAX(receipt_seq) FROM usage"))).isEqualTo(3L);
            assertThat(pg.<Long>read(c -> one(c, "SELECT seq FROM receipt_heads"))).isEqualTo(3L);
            assertThat(pg.<String>read(c -> text(c, "SELECT request_preview FROM prompt_log WHERE request_id = 'req_1'"))).isEqualTo(PREVIEW);
            assertThat(pg.<String>read(c -> text(c, "SELECT response_preview FROM prompt_log WHERE request_id = 'req_1'"))).isEmpty();
            assertThat(pg.<String>read(c -> text(c, "SELECT COALESCE(first_byte_ms, -1) || '/' || latency_ms || '/' || COALESCE(error_code, '-') "
                    + "FROM usage WHERE request_id = 'req_1'"))).isEqualTo("-1/1.5/-");
        }
    }

    private static String text(java.sql.Connection c, String sql) throws java.sql.SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long one(java.sql.Connection c, String sql) throws java.sql.SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aKeyMintedOnTheLaptopAuthenticatesOnADaemonOnPostgres() throws Exception {
        String laptop = temp.resolve("laptop").toString();
        String url = POSTGRES.server().newDatabase();
        try (FakeProvider fake = FakeProvider.start()) {
            Map<String, String> provider = Map.of("OPENAI_API_KEY", "sk-p", "AEGIS_OPENAI_BASE_URL", fake.baseUrl());
            assertThat(CliRun.run(provider, CliRun.args(laptop, "start", "--port", "0")).exitCode()).isZero();
            String key;
            try {
                key = json(CliRun.run(provider, CliRun.args(laptop, "keygen", "--name", "alice", "--credits", "1", "--json")))
                        .path("key").asText();
                CliRun refused = CliRun.run(provider, CliRun.args(laptop, "store", "migrate", "--to", url));
                assertThat(refused.exitCode()).isNotZero();
                assertThat(refused.err()).contains("the daemon is running on").contains("aegis stop").doesNotContain("\tat ");
            } finally {
                assertThat(CliRun.run(provider, CliRun.args(laptop, "stop")).exitCode()).isZero();
            }
            json(CliRun.run(Map.of(), CliRun.args(laptop, "store", "migrate", "--to", url, "--json")));

            Map<String, String> team = new HashMap<>(provider);
            team.put("AEGIS_STORE_URL", url);
            String server = temp.resolve("server").toString();
            assertThat(CliRun.run(team, CliRun.args(server, "start", "--port", "0")).exitCode()).isZero();
            try {
                String base = new DaemonStateFile(Path.of(server, "daemon.json")).read().orElseThrow().url();
                assertThat(chat(base, key)).isEqualTo(200);
                assertThat(chat(base, key.substring(0, key.length() - 2) + "xx")).isEqualTo(401);
            } finally {
                assertThat(CliRun.run(team, CliRun.args(server, "stop")).exitCode()).isZero();
            }
        }
    }

    private static int chat(String base, String key) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void refusesATargetThatIsNotPostgresOrNotThereWithoutAStackTrace() throws Exception {
        String home = temp.resolve("laptop").toString();
        CliRun sqlite = CliRun.run(Map.of(), CliRun.args(home, "store", "migrate", "--to", "jdbc:sqlite:" + temp.resolve("x.db")));
        assertThat(sqlite.exitCode()).isNotZero();
        assertThat(sqlite.err()).contains("--to must be a PostgreSQL store");

        try (RefusedPort refused = RefusedPort.open()) {
            int closed = refused.port();
            CliRun away = CliRun.run(Map.of("PGPW", "s3cret"), CliRun.args(home, "store", "migrate", "--to",
                    "jdbc:postgresql://127.0.0.1:" + closed + "/aegis?user=aegis", "--password-env", "PGPW"));
            assertThat(away.exitCode()).isNotZero();
            assertThat(away.err()).contains("cannot connect to the database").contains("127.0.0.1:" + closed)
                    .doesNotContain("\tat ").doesNotContain("s3cret");
        }
    }
}
