package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `aegis doctor` on a working setup and on a broken one; the replay never reaches the user's provider. */
class DoctorIT {

    @TempDir
    Path temp;

    FakeProvider userProvider;
    Map<String, String> env;
    String home;

    @BeforeEach
    void setUp() {
        userProvider = FakeProvider.start();
        home = temp.resolve("home").toString();
        env = new HashMap<>(Map.of("AEGIS_OPENAI_BASE_URL", userProvider.baseUrl(), "AEGIS_PORT", "0",
                "CODEX_HOME", temp.resolve("codex").toString(),
                "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
    }

    @AfterEach
    void tearDown() {
        CliRun.run(env, CliRun.args(home, "stop"));
        userProvider.close();
    }

    private CliRun aegis(String... args) {
        return CliRun.run(env, CliRun.args(home, args));
    }

    @Test
    void aWorkingCodexSetupPassesEveryCheckWithoutCallingTheRealProvider() throws Exception {
        env.put("OPENAI_API_KEY", "sk-user-provider");
        assertThat(aegis("start").exitCode()).isZero();
        String key = Json.mapper().readTree(aegis("keygen", "--name", "codex", "--json").out()).path("key").asText();
        env.put("AEGIS_API_KEY", key);
        assertThat(aegis("init", "codex", "--write").exitCode()).isZero();

        CliRun doctor = aegis("doctor", "--client", "codex");

        assertThat(doctor.exitCode()).as(doctor.all()).isZero();
        assertThat(doctor.out())
                .contains("✓ daemon: running at http://127.0.0.1:")
                .contains("✓ config: no ")
                .contains("! client config: model provider aegis points at Aegis but")
                .contains("fix: put model_provider = \"aegis\" at the top of")
                .contains("✓ client key: $AEGIS_API_KEY holds Aegis key")
                .contains("✓ replay codex: POST /v1/responses (stream, gpt-5-codex) -> provider openai (openai)")
                .contains("ending with response.completed")
                .containsPattern("✓ provider key: openai: the daemon \\(pid \\d+\\) has \\$OPENAI_API_KEY set")
                .contains("All checks passed.")
                .doesNotContain("✗").doesNotContain(key).doesNotContain("sk-user-provider");
        // The replay went to the built-in fake through a throwaway daemon, not to the user's provider.
        assertThat(userProvider.requests()).isEmpty();
        assertThat(Json.mapper().readTree(aegis("usage", "--json").out()).at("/total/requests").asLong()).isZero();
    }

    /**
     * The README has clients export the Aegis key as OPENAI_API_KEY: in that shell, doctor checks the config as the
     * running daemon reads it (its own environment), and store commands do not warn of an error (an outside review:
     * "aegis.yaml has 1 error(s)" for a file that did not exist, and the replay skipped).
     */
    @Test
    void aClientShellHoldingTheAegisKeyAsOpenAiApiKeyIsNotAConfigError() throws Exception {
        env.put("OPENAI_API_KEY", "sk-user-provider");
        assertThat(aegis("start").exitCode()).isZero();
        String key = Json.mapper().readTree(aegis("keygen", "--name", "codex", "--json").out()).path("key").asText();
        env.put("OPENAI_API_KEY", key);
        env.put("AEGIS_API_KEY", key);
        assertThat(aegis("init", "codex", "--write").exitCode()).isZero();

        CliRun doctor = aegis("doctor", "--client", "codex", "--json");
        JsonNode report = Json.mapper().readTree(doctor.out());
        assertThat(check(report, "config").path("status").asText()).as(doctor.all()).isEqualTo("pass");
        assertThat(check(report, "replay codex").path("status").asText()).as(doctor.all()).isEqualTo("pass");
        // A key whose credits are used up fails the key check: every call would be refused 402.
        String spent = Json.mapper().readTree(aegis("keygen", "--name", "spent", "--credits", "0", "--json").out())
                .path("key").asText();
        env.put("AEGIS_API_KEY", spent);
        JsonNode broke = check(Json.mapper().readTree(aegis("doctor", "--client", "codex", "--json").out()), "client key");
        assertThat(broke.path("status").asText()).isEqualTo("fail");
        assertThat(broke.path("message").asText()).contains("credits are used up");
        CliRun usage = aegis("usage");
        assertThat(usage.exitCode()).isZero();
        assertThat(usage.err()).doesNotContain("warning");
        assertThat(doctor.out() + usage.all()).doesNotContain(key);
    }

    @Test
    void theProviderKeyIsCheckedWhereTheDaemonReadsItNotInTheShell() throws Exception {
        assertThat(aegis("start").exitCode()).isZero(); // started without OPENAI_API_KEY
        env.put("OPENAI_API_KEY", "sk-only-in-this-shell");

        CliRun doctor = aegis("doctor", "--client", "codex", "--json");

        JsonNode key = check(Json.mapper().readTree(doctor.out()), "provider key");
        assertThat(key.path("status").asText()).isEqualTo("fail");
        assertThat(key.path("message").asText()).contains("was started without $OPENAI_API_KEY");
        assertThat(key.path("fix").asText()).contains("aegis stop && aegis start");
        assertThat(doctor.out()).doesNotContain("sk-only-in-this-shell");
    }

    @Test
    void aBrokenClaudeSetupNamesEachProblemWithItsFix() throws Exception {
        // Claude models sent to an OpenAI provider, no provider key, no daemon, no client settings.
        Path config = Files.createDirectories(Path.of(home)).resolve("aegis.yaml");
        Files.writeString(config, "routes:\n  \"claude-*\": openai\n");

        CliRun doctor = aegis("doctor", "--client", "claude", "--json");

        assertThat(doctor.exitCode()).as(doctor.all()).isEqualTo(1);
        JsonNode report = Json.mapper().readTree(doctor.out());
        assertThat(report.path("ok").asBoolean()).isFalse();
        assertThat(report.path("client").asText()).isEqualTo("claude");
        assertThat(check(report, "daemon").path("status").asText()).isEqualTo("fail");
        assertThat(check(report, "daemon").path("fix").asText()).isEqualTo("aegis start");
        assertThat(check(report, "config").path("status").asText()).isEqualTo("pass");
        assertThat(check(report, "client config").path("message").asText()).contains("ANTHROPIC_BASE_URL is not set");
        assertThat(check(report, "client config").path("fix").asText()).contains("aegis env claude");
        assertThat(check(report, "client key").path("status").asText()).isEqualTo("fail");
        JsonNode replay = check(report, "replay claude");
        assertThat(replay.path("status").asText()).isEqualTo("fail");
        assertThat(replay.path("message").asText())
                .isEqualTo("claude-sonnet-4-5 is routed to provider openai (openai), which does not speak the Anthropic Messages API");
        assertThat(replay.path("fix").asText()).contains("routes: {\"claude-*\": anthropic}");
        assertThat(check(report, "provider key").path("message").asText()).contains("$OPENAI_API_KEY is not set");
    }

    @Test
    void textOutputPutsEachFixUnderItsFailure() {
        env.put("OPENAI_API_KEY", "sk-user-provider");
        CliRun doctor = aegis("doctor", "--client", "codex");

        assertThat(doctor.exitCode()).isEqualTo(1);
        assertThat(doctor.out())
                .containsPattern("✗ daemon: Aegis is not running \\(home .*\\)\\n    fix: aegis start\\n")
                .containsPattern("✗ client config: .*config.toml does not exist\\n    fix: aegis init codex --write\\n")
                .contains("✓ replay codex:")
                .contains("problems found.");
    }

    private static JsonNode check(JsonNode report, String name) {
        return StreamSupport.stream(report.path("checks").spliterator(), false)
                .filter(c -> c.path("check").asText().equals(name)).findFirst().orElseThrow(() ->
                        new AssertionError("no check " + name + " in " + report));
    }
}
