package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;
import dev.aegis.store.Database;
import dev.aegis.store.PostgresServer;
import dev.aegis.store.UsageRow;
import dev.aegis.store.UsageStore;
import dev.aegis.testing.RefusedPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store commands against a shared PostgreSQL (team mode): two homes, as two machines, with the
 * same {@code AEGIS_STORE_URL} see one set of keys, credits and usage.
 */
class TeamModeCliIT {

    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();

    @TempDir
    Path temp;

    private static JsonNode json(CliRun run) throws Exception {
        assertThat(run.exitCode()).as(run.all()).isZero();
        return Json.mapper().readTree(run.out());
    }

    @Test
    void keysCreditsAndUsageAreOneSetForEveryMachine() throws Exception {
        String url = POSTGRES.server().newDatabase();
        Map<String, String> env = Map.of("AEGIS_STORE_URL", url);
        String one = temp.resolve("one").toString();
        String two = temp.resolve("two").toString();

        String id = json(CliRun.run(env, CliRun.args(one, "keygen", "--name", "ci", "--credits", "1.25", "--json")))
                .path("id").asText();
        assertThat(json(CliRun.run(env, CliRun.args(two, "keys", "list", "--json"))).findValuesAsText("id")).containsExactly(id);
        assertThat(json(CliRun.run(env, CliRun.args(two, "credits", "add", id, "0.75", "--json"))).path("balance_usd").asText())
                .isEqualTo("2");
        assertThat(json(CliRun.run(env, CliRun.args(one, "credits", "show", id, "--json"))).path("balance_usd").asText())
                .isEqualTo("2");
        assertThat(CliRun.run(env, CliRun.args(two, "keys", "revoke", id)).out()).contains("Revoked key " + id);
        assertThat(json(CliRun.run(env, CliRun.args(one, "keys", "show", id, "--json"))).path("revoked").asBoolean()).isTrue();

        try (Database db = Database.open(url)) {
            new UsageStore(db).insert(List.of(
                    new UsageRow(System.currentTimeMillis(), "r1", id, "default", null, "/v1/chat/completions", "gpt-4o-mini",
                            "gpt-4o-mini", "openai", 200, null, 100, 0, 0, 10, 0, 1500, false, "v", 1.0, null, false, true),
                    new UsageRow(System.currentTimeMillis(), "r2", id, "default", null, "/v1/chat/completions", "o3", "o3",
                            "openai", 200, null, 200, 0, 0, 20, 0, 2500, false, "v", 1.0, null, false, true)));
        }
        JsonNode report = json(CliRun.run(env, CliRun.args(two, "usage", "--by", "model", "--json")));
        assertThat(report.path("groups").findValuesAsText("group")).containsExactlyInAnyOrder("gpt-4o-mini", "o3");
        assertThat(report.at("/total/requests").asLong()).isEqualTo(2);
        assertThat(report.at("/total/input").asLong()).isEqualTo(300);
        assertThat(report.at("/total/cost_usd").decimalValue()).isEqualByComparingTo("0.000004");
    }

    /** Found by an outside review: a user-info password, {@code sslpassword} and a password with a {@code ;} were printed. */
    @Test
    void aStoreThatCannotBeReachedIsNamedWithoutItsPasswordsInCommandsStartAndTheLog() throws Exception {
        try (RefusedPort refused = RefusedPort.open()) {
            Map<String, String> env = Map.of("AEGIS_STORE_URL", "jdbc:postgresql://aegis:LEAKME5@127.0.0.1:" + refused.port()
                    + "/aegis?user=aegis&sslpassword=LEAKME6&password=LEAK;ME7");
            String home = temp.resolve("home").toString();

            CliRun list = CliRun.run(env, CliRun.args(home, "keys", "list"));
            assertThat(list.exitCode()).isEqualTo(ExitCode.FAILED);
            assertThat(list.err()).contains("cannot connect to the database");
            CliRun start = CliRun.run(env, CliRun.args(home, "start", "--port", "0"));
            assertThat(start.exitCode()).as(start.all()).isEqualTo(ExitCode.FAILED);
            String log = Files.readString(Path.of(home, "logs", "daemon.log"));
            assertThat(log).contains("cannot connect to the database");
            for (String shown : List.of(list.all(), start.all(), log)) {
                assertThat(shown).doesNotContain("LEAKME5").doesNotContain("LEAKME6").doesNotContain("ME7");
            }
        }
    }
}
