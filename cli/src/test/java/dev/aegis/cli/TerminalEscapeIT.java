package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.control.DaemonState;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.home.AegisHome;
import dev.aegis.json.Json;
import dev.aegis.keys.ApiKeys;
import dev.aegis.keys.NewKey;
import dev.aegis.store.Database;
import dev.aegis.store.SqlKeyStore;
import dev.aegis.store.UsageRow;
import dev.aegis.store.UsageStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Control characters in what the CLI prints (names, models, tenants, runs from the store or the
 * daemon) reach the terminal escaped, never as themselves; keygen refuses them in a name or tenant.
 */
class TerminalEscapeIT {

    /** ESC [2J clears the screen; ESC ] 0 ; ... BEL retitles the window; CR LF breaks a line. */
    private static final String HOSTILE = "x\u001b[2J\u001b]0;owned\u0007\r\ny\u009b\u202e";

    @TempDir
    Path temp;

    private String home() {
        return temp.resolve("home").toString();
    }

    private static void assertEscaped(String out) {
        assertThat(out).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\r").doesNotContain("\u009b")
                .doesNotContain("\u202e");
        assertThat(out).contains("x\\x1b[2J\\x1b]0;owned\\x07\\x0d\\x0ay\\x9b\\u202e");
    }

    @Test
    void keygenRefusesControlCharactersInANameOrTenant() {
        CliRun name = CliRun.run(Map.of(), CliRun.args(home(), "keygen", "--name", "evil\u001b[31m"));
        assertThat(name.exitCode()).isNotZero();
        assertThat(name.err()).contains("--name").contains("U+001B").doesNotContain("\u001b");
        CliRun tenant = CliRun.run(Map.of(), CliRun.args(home(), "keygen", "--name", "ok", "--tenant", "t\u0007"));
        assertThat(tenant.exitCode()).isNotZero();
        assertThat(tenant.err()).contains("--tenant");
        CliRun longName = CliRun.run(Map.of(), CliRun.args(home(), "keygen", "--name", "n".repeat(129)));
        assertThat(longName.exitCode()).isNotZero();
        assertThat(Path.of(home())).as("nothing minted: not even a home made").doesNotExist();
    }

    @Test
    void keysAndUsageEscapeWhatAnOlderAegisStored() {
        // Rows and keys as an Aegis without these checks could have stored them.
        try (Database db = Database.open(Database.defaultUrl(new AegisHome(Path.of(home()))))) {
            new SqlKeyStore(db, InstantSource.system()).create(new NewKey(HOSTILE, HOSTILE, false, List.of(), null, null,
                    null, null), ApiKeys.mint());
            new UsageStore(db).insert(List.of(new UsageRow(Instant.now().toEpochMilli(), "req-1", "k1", HOSTILE, HOSTILE,
                    "/v1/chat/completions", HOSTILE, HOSTILE, "openai", 200, null, 10, 0, 0, 5, 0, 1000, false, "v", 10.0,
                    5.0, false, true, null)));
        }
        CliRun list = CliRun.run(Map.of(), CliRun.args(home(), "keys", "list"));
        assertThat(list.exitCode()).as(list.all()).isZero();
        assertEscaped(list.out());
        assertThat(list.out().lines()).hasSize(2);

        for (String by : List.of("model", "tenant", "run")) {
            CliRun usage = CliRun.run(Map.of("COLUMNS", "100"), CliRun.args(home(), "usage", "--by", by, "--chart"));
            assertThat(usage.exitCode()).as(usage.all()).isZero();
            assertThat(usage.out()).doesNotContain("\u001b").doesNotContain("\r").doesNotContain("\u009b");
            assertThat(usage.out()).contains("x\\x1b[2J");
            CliRun csv = CliRun.run(Map.of(), CliRun.args(home(), "usage", "--by", by, "--format", "csv"));
            assertEscaped(csv.out());
            assertThat(csv.out().lines()).hasSize(3);
        }
        // JSON escapes them too (JSON itself escapes only C0), and still reads back as what was stored.
        for (String[] args : List.of(new String[] {"usage", "--by", "tenant", "--json"}, new String[] {"keys", "list", "--json"})) {
            CliRun json = CliRun.run(Map.of(), CliRun.args(home(), args));
            assertThat(json.out()).as(String.join(" ", args)).doesNotContain("\u001b").doesNotContain("\u009b")
                    .doesNotContain("\u202e").contains("\\u009b").contains("\\u202e");
            assertThat(json.out()).contains(Json.mapper().valueToTree(HOSTILE).toString().replace("\u009b", "\\u009b")
                    .replace("\u202e", "\\u202e"));
        }
        CliRun table = CliRun.run(Map.of(), CliRun.args(home(), "usage", "--by", "model"));
        // Header, the group, the total: a CR LF in a model no longer breaks a row in two.
        assertThat(table.out().lines()).hasSize(3);
        assertEscaped(table.out());
    }

    @Test
    void tailNeverShowsAModelsEscapeSequence() throws Exception {
        FakeProvider fake = FakeProvider.start();
        Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-p", "AEGIS_OPENAI_BASE_URL", fake.baseUrl()));
        try {
            assertThat(CliRun.run(env, CliRun.args(home(), "start", "--port", "0")).exitCode()).isZero();
            String key = Json.mapper().readTree(CliRun.run(env, CliRun.args(home(), "keygen", "--name", "t", "--json")).out())
                    .path("key").asText();
            StringWriter out = new StringWriter();
            CompletableFuture<Integer> tail = CompletableFuture.supplyAsync(() -> AegisCli.commandLine(
                    new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), env)
                    .execute("--home", home(), "tail", "--count", "1"));
            DaemonState s = new DaemonStateFile(Path.of(home(), "daemon.json")).read().orElseThrow();
            HttpClient http = HttpClient.newHttpClient();
            String body = Json.mapper().createObjectNode().put("model", "gpt-4o" + HOSTILE).toString();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!tail.isDone()) {
                assertThat(System.nanoTime()).as("tail saw a call in time").isLessThan(deadline);
                http.send(HttpRequest.newBuilder(URI.create(s.url() + "/v1/chat/completions")).header("x-api-key", key)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                // tail subscribes asynchronously: give the event time to arrive before calling again.
                long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (!tail.isDone() && System.nanoTime() < wait) {
                    Thread.sleep(10);
                }
            }
            assertThat(tail.get()).isZero();
            assertThat(out.toString()).isNotBlank().doesNotContain("\u001b").doesNotContain("\r")
                    .doesNotContain("\u009b").doesNotContain("\u202e");
        } finally {
            CliRun.run(env, CliRun.args(home(), "stop"));
            fake.close();
        }
    }
}
