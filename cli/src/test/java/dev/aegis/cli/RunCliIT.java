package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `aegis run` with a stub agent that calls the base URL and key it was given. */
class RunCliIT {

    private static final String AGENT = """
            #!/usr/bin/env bash
            # Like Claude Code, which sends ANTHROPIC_CUSTOM_HEADERS (x-run-id) with every call.
            for i in 1 2 3; do
              curl -s -o /dev/null -w "%{http_code}\\n" -H "Authorization: Bearer $OPENAI_API_KEY" -H "x-run-id: $AEGIS_RUN_ID" \\
                -H 'Content-Type: application/json' -d '{"model":"gpt-4o-mini","max_tokens":10}' \\
                "$OPENAI_BASE_URL/chat/completions" >> "$STATUS_FILE"
            done
            echo "$AEGIS_RUN_ID" > "$RUN_FILE"
            exit 3
            """;

    @TempDir
    Path temp;

    FakeProvider fake;
    Map<String, String> env;
    String home;
    Path agent;

    @BeforeEach
    void setUp() throws Exception {
        fake = FakeProvider.start();
        home = temp.resolve("home").toString();
        agent = temp.resolve("agent.sh");
        Files.writeString(agent, AGENT);
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwx------"));
        env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-provider", "AEGIS_OPENAI_BASE_URL", fake.baseUrl(),
                "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "AEGIS_PORT", "0",
                "STATUS_FILE", temp.resolve("status").toString(), "RUN_FILE", temp.resolve("run").toString()));
    }

    @AfterEach
    void tearDown() {
        CliRun.run(env, CliRun.args(home, "stop"));
        fake.close();
    }

    private List<String> statuses() throws Exception {
        return Files.readAllLines(temp.resolve("status"));
    }

    @Test
    void runStartsTheDaemonTagsEveryCallAndReturnsTheAgentsExitCode() throws Exception {
        CliRun run = CliRun.run(env, CliRun.args(home, "run", "--", agent.toString()));

        assertThat(run.exitCode()).as(run.all()).isEqualTo(3);
        assertThat(statuses()).containsExactly("200", "200", "200");
        String runId = Files.readString(temp.resolve("run")).strip();
        assertThat(runId).startsWith("run-");
        assertThat(run.out()).contains("started the daemon").contains("run " + runId + ": 3 calls")
                .contains("$0.000017");
        JsonNode usage = Json.mapper().readTree(
                CliRun.run(env, CliRun.args(home, "usage", "--run", runId, "--json")).out());
        assertThat(usage.at("/total/requests").asLong()).isEqualTo(3);
        assertThat(fake.requests()).allSatisfy(r -> assertThat(r.header("authorization")).isEqualTo("Bearer sk-provider"));
    }

    @Test
    void runPrintsTheTotalsOfEachSessionTheAgentOpened() throws Exception {
        java.nio.file.Files.writeString(agent, """
                #!/usr/bin/env bash
                # Like Claude Code: its session id on every call, a sub-agent's calls in the same session.
                for s in sess-main sess-main sess-other; do
                  curl -s -o /dev/null -w "%{http_code}\\n" -H "Authorization: Bearer $OPENAI_API_KEY" \\
                    -H "x-claude-code-session-id: $s" -H 'Content-Type: application/json' \\
                    -d '{"model":"gpt-4o-mini","max_tokens":10}' "$OPENAI_BASE_URL/chat/completions" >> "$STATUS_FILE"
                done
                """);
        CliRun run = CliRun.run(env, CliRun.args(home, "run", "--", agent.toString()));

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(statuses()).containsExactly("200", "200", "200");
        assertThat(run.out()).contains("session sess-main: 2 calls").contains("session sess-other: 1 call,")
                .contains("(details: aegis usage --by session --run");
    }

    @Test
    void theRunsBudgetIsEnforced() throws Exception {
        // Each call costs $0.000005775 and reserves $0.0000075: the third finds the budget spent.
        CliRun run = CliRun.run(env, CliRun.args(home, "run", "--budget", "0.00001", "--", agent.toString()));

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(statuses()).containsExactly("200", "200", "402");
        assertThat(run.out()).contains(": 3 calls");
    }

    @Test
    void theRunsTokenBudgetIsAHardStop() throws Exception {
        CliRun run = CliRun.run(env, CliRun.args(home, "run", "--tokens", "30", "--", agent.toString()));

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(statuses()).containsExactly("200", "429", "429");
    }

    /**
     * With --key, the run's id still reaches the daemon: Codex through its provider's http_headers (an outside review
     * saw the real Codex's calls filed under no run), Claude Code through ANTHROPIC_CUSTOM_HEADERS beside the user's
     * own; and --key with --budget or --tokens is a usage error (the limits were silently ignored).
     */
    @Test
    void aGivenKeysRunIsTaggedAndItsLimitsAreNotSilentlyIgnored() throws Exception {
        String key = Json.mapper().readTree(CliRun.run(env, CliRun.args(home, "keygen", "--name", "mine", "--json")).out())
                .path("key").asText();
        Path codex = Files.createDirectories(temp.resolve("bin")).resolve("codex");
        Files.writeString(codex, """
                #!/usr/bin/env bash
                printf '%s\\n' "$@" > "$RUN_FILE"
                printf '%s' "$ANTHROPIC_CUSTOM_HEADERS" > "$STATUS_FILE"
                """);
        Files.setPosixFilePermissions(codex, PosixFilePermissions.fromString("rwx------"));
        env.put("ANTHROPIC_CUSTOM_HEADERS", "x-team: blue\nx-run-id: not-this-run");

        CliRun refused = CliRun.run(env, CliRun.args(home, "run", "--key", key, "--budget", "1", "--", codex.toString()));
        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(ExitCode.USAGE);
        assertThat(refused.err()).contains("--budget and --tokens");
        assertThat(temp.resolve("run")).doesNotExist();

        CliRun run = CliRun.run(env, CliRun.args(home, "run", "--key", key, "--", codex.toString(), "exec", "hi"));
        assertThat(run.exitCode()).as(run.all()).isZero();
        String runId = run.out().lines().filter(l -> l.startsWith("aegis: run run-")).findFirst().orElseThrow()
                .split(" ")[2];
        assertThat(Files.readAllLines(temp.resolve("run"))).contains("model_providers.aegis-run.http_headers={ x-run-id = \""
                + runId + "\" }").endsWith("exec", "hi");
        assertThat(Files.readString(temp.resolve("status"))).isEqualTo("x-team: blue\nx-run-id: " + runId);
    }

    /** Calls to a model without a price cost $0 and are held to no --budget: the run's summary says so (outside review). */
    @Test
    void theSummaryWarnsOfCallsToModelsWithoutAPrice() throws Exception {
        Files.writeString(agent, AGENT.replace("gpt-4o-mini", "gpt-6.2-sol"));
        CliRun run = CliRun.run(env, CliRun.args(home, "run", "--budget", "1", "--", agent.toString()));

        assertThat(run.exitCode()).as(run.all()).isEqualTo(3);
        assertThat(statuses()).containsExactly("200", "200", "200");
        assertThat(run.out()).contains("warning: 3 calls went to models without a price (gpt-6.2-sol)")
                .contains("not held to --budget");
    }

    /** A key an earlier run minted, given with --key, goes on with its own run (another run id would be refused 403). */
    @Test
    void aKeyMintedForARunGoesOnWithThatRun() throws Exception {
        Files.writeString(agent, AGENT.replace("exit 3", "echo \"$OPENAI_API_KEY\" > \"$RUN_FILE.key\"\nexit 3"));
        assertThat(CliRun.run(env, CliRun.args(home, "run", "--", agent.toString())).exitCode()).isEqualTo(3);
        String firstRun = Files.readString(temp.resolve("run")).strip();
        String key = Files.readString(temp.resolve("run.key")).strip();
        Files.delete(temp.resolve("status"));

        CliRun again = CliRun.run(env, CliRun.args(home, "run", "--key", key, "--", agent.toString()));
        assertThat(again.exitCode()).as(again.all()).isEqualTo(3);
        assertThat(Files.readString(temp.resolve("run")).strip()).isEqualTo(firstRun);
        assertThat(statuses()).containsExactly("200", "200", "200");
    }
}
