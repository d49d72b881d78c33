package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keygen, keys and credits against a real SQLite file, with no daemon running. */
class KeysCliIT {

    @TempDir
    Path temp;

    private CliRun aegis(String... args) {
        return CliRun.run(Map.of(), CliRun.args(temp.resolve("home").toString(), args));
    }

    private JsonNode json(CliRun run) throws Exception {
        assertThat(run.exitCode()).as(run.all()).isZero();
        return Json.mapper().readTree(run.out());
    }

    @Test
    void keygenPrintsTheSecretOnceAndStoresOnlyItsHash() throws Exception {
        JsonNode minted = json(aegis("keygen", "--name", "laptop", "--tenant", "team-a", "--credits", "5",
                "--models", "gpt-4o*,o3", "--rpm", "60", "--expires", "30d", "--json"));

        String id = minted.path("id").asText();
        String key = minted.path("key").asText();
        assertThat(key).startsWith("aegis_" + id + "_").hasSizeGreaterThan(50);
        assertThat(minted.path("name").asText()).isEqualTo("laptop");
        assertThat(minted.path("tenant").asText()).isEqualTo("team-a");
        assertThat(minted.path("expires_at").isNull()).isFalse();

        JsonNode list = json(aegis("keys", "list", "--json"));
        assertThat(list).hasSize(1);
        JsonNode listed = list.get(0);
        for (String field : new String[] {"id", "name", "tenant", "admin", "created_at", "expires_at", "revoked"}) {
            assertThat(listed.has(field)).as(field).isTrue();
        }
        assertThat(listed.toString()).doesNotContain(key);
        assertThat(listed.path("revoked").asBoolean()).isFalse();
        assertThat(listed.path("rpm").asInt()).isEqualTo(60);

        Path db = temp.resolve("home/aegis.db");
        assertThat(new String(Files.readAllBytes(db), StandardCharsets.ISO_8859_1)).doesNotContain(key);
        assertThat(Files.getPosixFilePermissions(db)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void textKeygenShowsTheSecretAndHowToUseIt() {
        CliRun run = aegis("keygen", "--name", "ci");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("shown only this once").containsPattern("aegis_[a-z2-7]{12}_\\S{43}")
                .contains("export AEGIS_API_KEY=aegis_").doesNotContain("OPENAI_API_KEY=aegis_");
    }

    @Test
    void showRevokeAndCredits() throws Exception {
        String id = json(aegis("keygen", "--name", "a", "--credits", "1.25", "--json")).path("id").asText();

        JsonNode credits = json(aegis("credits", "show", id, "--json"));
        assertThat(credits.path("id").asText()).isEqualTo(id);
        assertThat(credits.path("name").asText()).as("SPEC §2: id, name, balance_usd, reserved_usd").isEqualTo("a");
        assertThat(credits.path("balance_usd").asText()).isEqualTo("1.25");
        assertThat(credits.path("reserved_usd").asText()).isEqualTo("0");
        assertThat(json(aegis("credits", "add", id, "0.75", "--json")).path("balance_usd").asText()).isEqualTo("2");

        assertThat(json(aegis("keys", "show", id, "--json")).path("revoked").asBoolean()).isFalse();
        assertThat(aegis("keys", "revoke", id).out()).contains("Revoked key " + id);
        JsonNode shown = json(aegis("keys", "show", id, "--json"));
        assertThat(shown.path("revoked").asBoolean()).isTrue();
        assertThat(shown.path("active").asBoolean()).isFalse();
        assertThat(aegis("keys", "list").out()).contains(id).contains("revoked");
    }

    /** A typo elsewhere in aegis.yaml must not keep a leaked key from being revoked (found by an outside review). */
    @Test
    void aKeyIsRevokedWhileTheConfigHasAnErrorOutsideTheStore() throws Exception {
        String id = json(aegis("keygen", "--name", "leaked", "--json")).path("id").asText();
        java.nio.file.Path config = temp.resolve("home").resolve("aegis.yaml");
        java.nio.file.Files.writeString(config, "server: { port: lots }\n");
        CliRun revoke = aegis("keys", "revoke", id);
        assertThat(revoke.exitCode()).as(revoke.all()).isZero();
        assertThat(revoke.err()).contains("has errors").contains("uses its store settings only");
        assertThat(json(aegis("keys", "show", id, "--json")).path("revoked").asBoolean()).isTrue();

        java.nio.file.Files.writeString(config, "server: [\n"); // not YAML: where the store is cannot be read
        CliRun broken = aegis("keys", "list");
        assertThat(broken.exitCode()).isNotZero();
        assertThat(broken.err()).contains("not valid YAML");
        java.nio.file.Files.writeString(config, "store: { url: 42 }\nserver: { port: lots }\n");
        assertThat(aegis("keys", "list").exitCode()).as("the store's own settings wrong: refused").isNotZero();
    }

    @Test
    void keysWithoutCreditsHaveNoLimit() throws Exception {
        String id = json(aegis("keygen", "--name", "free", "--json")).path("id").asText();
        assertThat(json(aegis("credits", "show", id, "--json")).path("balance_usd").isNull()).isTrue();
        assertThat(aegis("credits", "show", id).out()).contains("no credit limit");
    }

    @Test
    void usdAmountsOutOfRangeAreUsageErrorsNotArithmeticOnes() throws Exception {
        String[][] bad = {
            {"keygen", "--name", "x", "--credits", "10000000000"}, {"keygen", "--name", "x", "--credits", "1e400"},
            {"keygen", "--name", "x", "--credits", "-5"}, {"keygen", "--name", "x", "--credits", "0.0000000001"},
            {"keygen", "--name", "x", "--session-budget", "1e400"}, {"run", "--budget", "1e400", "--", "true"},
            {"run", "--budget", "-1", "--", "true"}, {"credits", "add", "somekey", "1e-20"},
        };
        String[][] outOfRange = {
            {"keygen", "--name", "x", "--rpm", "-1"}, {"keygen", "--name", " "}, {"run", "--tokens", "0", "--", "true"},
            {"usage", "--since", "-5d"}, {"usage", "--by", "nosuch"}, {"start", "--port", "99999"},
            {"receipts", "verify", "--dir", "x", "y"}, {"tail", "--status", "nosuch"}, {"tail", "--status", "6xx"},
            {"tail", "--count", "0"}, {"tail", "--count", "-1"}, {"bench", "--requests", "0"},
        };
        for (String[] args : outOfRange) {
            CliRun run = aegis(args);
            assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run.all()).isEqualTo(ExitCode.USAGE);
            assertThat(run.err()).as(String.join(" ", args)).startsWith("aegis: ").doesNotContain("Exception");
        }
        for (String[] args : bad) {
            CliRun run = aegis(args);
            assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run.all()).isEqualTo(ExitCode.USAGE);
            assertThat(run.err()).as(String.join(" ", args)).contains("Invalid value").doesNotContain("Exception");
        }
        // Ten top-ups of the most one may give reach the balance's ceiling: refused, the balance as it was.
        String id = json(aegis("keygen", "--name", "rich", "--credits", "1000000000", "--json")).path("id").asText();
        for (int i = 0; i < 8; i++) {
            assertThat(aegis("credits", "add", id, "1000000000").exitCode()).isZero();
        }
        CliRun over = aegis("credits", "add", id, "1000000000");
        assertThat(over.exitCode()).as(over.all()).isEqualTo(ExitCode.FAILED);
        assertThat(over.err()).contains("would go beyond $9000000000").doesNotContain("Exception");
        assertThat(json(aegis("credits", "show", id, "--json")).path("balance_usd").asText()).isEqualTo("9000000000");
        // A negative amount takes credits back, within the same bounds.
        assertThat(json(aegis("credits", "add", id, "-1000000000", "--json")).path("balance_usd").asText()).isEqualTo("8000000000");
        assertThat(aegis("credits", "add", id, "-1000000001").exitCode()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void filesVerifyCannotReadAreNamedWithWhatIsWrong() throws Exception {
        java.nio.file.Path latin1 = temp.resolve("checkpoint.json");
        java.nio.file.Files.write(latin1, new byte[] {'{', (byte) 0xE9, '}'});
        CliRun missing = aegis("receipts", "verify", "--checkpoint", temp.resolve("nonexist.json").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(missing.err()).contains("no such file or folder: " + temp.resolve("nonexist.json"));
        CliRun notText = aegis("receipts", "verify", "--checkpoint", latin1.toString());
        assertThat(notText.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(notText.err()).contains("not UTF-8 text").doesNotContain("Input length");
    }

    @Test
    void mistakesAreClearAndExitNonZero() throws Exception {
        Files.createDirectories(temp.resolve("home")); // a home with nothing recorded yet
        assertThat(aegis("keygen").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(aegis("keygen", "--name", "x", "--credits", "lots").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(aegis("keygen", "--name", "x", "--expires", "soon").exitCode()).isEqualTo(ExitCode.USAGE);
        CliRun unknown = aegis("keys", "show", "nosuchkey123");
        assertThat(unknown.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(unknown.err()).contains("no key with id 'nosuchkey123'");
        assertThat(aegis("keys", "revoke", "nosuchkey123").exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(aegis("credits", "add", "nosuchkey123", "5").exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(aegis("keys").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(aegis("keys", "list").out()).contains("No keys yet");
    }

    @Test
    void commandsOnAHomeThatDoesNotExistSaySoAndCreateNothing() {
        Path home = temp.resolve("home");
        for (String[] command : new String[][] {{"usage"}, {"usage", "--json"}, {"keys", "list"}, {"keys", "show", "k1"},
                {"keys", "revoke", "k1"}, {"credits", "show", "k1"}, {"credits", "add", "k1", "5"}, {"receipts", "verify"}}) {
            CliRun run = aegis(command);
            assertThat(run.exitCode()).as(run.all()).isEqualTo(ExitCode.FAILED);
            assertThat(run.err()).as(run.all()).contains(command[0].equals("receipts")
                    ? "no receipts folder at " + home.resolve("receipts") : "no Aegis home at " + home + ": nothing is recorded");
            assertThat(home).as(String.join(" ", command)).doesNotExist();
        }
        assertThat(aegis("keygen", "--name", "first").exitCode()).isZero();
        assertThat(home.resolve("aegis.db")).exists();
        assertThat(aegis("keys", "list").out()).contains("first");
    }
}
