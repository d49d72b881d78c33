package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.aegis.control.DaemonStateFile;
import dev.aegis.fakeprovider.FakeProvider;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aegis run} against a real daemon and a real home, with an agent that tries what a same-user
 * process could do: read the receipt key and the database, read the daemon's environment (the provider
 * key), write into the home; and that still calls the daemon and uses the user's files.
 *
 * <p>Needs bubblewrap: skipped without it, except under CI ({@code CI} or {@code AEGIS_TEST_ISOLATION=required},
 * set by {@code .ci/run}), where a missing or unusable bwrap fails the test.
 */
class RunIsolationIT {

    private static final String PROVIDER_KEY = "sk-provider-isolation-7f3a";

    private static final String AGENT = """
            #!/usr/bin/env bash
            {
              if cat "$HIDDEN_HOME/keys/receipts.key" > /dev/null 2>&1; then echo "key: read"; else echo "key: refused"; fi
              if [ -s "$HIDDEN_HOME/aegis.db" ]; then echo "db: read"; else echo "db: refused"; fi
              if [ -d "/proc/$DAEMON_PID" ]; then echo "daemon: visible"; else echo "daemon: hidden"; fi
              if grep -q "$PROVIDER_KEY_TO_FIND" "/proc/$DAEMON_PID/environ" 2> /dev/null; then
                echo "environ: read"; else echo "environ: refused"; fi
              if touch "$HIDDEN_HOME/planted" 2> /dev/null; then echo "home: written"; else echo "home: refused"; fi
              if [ "$(cat "$USER_CONFIG")" = "model = 'x'" ]; then echo "config: read"; else echo "config: refused"; fi
              curl -s -o /dev/null -w "call: %{http_code}\\n" -H "Authorization: Bearer $OPENAI_API_KEY" \\
                -H 'Content-Type: application/json' -d '{"model":"gpt-4o-mini","max_tokens":10}' \\
                "$OPENAI_BASE_URL/chat/completions"
            } > "$REPORT"
            exit 3
            """;

    @TempDir
    Path temp;

    FakeProvider fake;
    Map<String, String> env;
    String home;
    Path agent;
    Path report;

    @BeforeEach
    void setUp() throws Exception {
        fake = FakeProvider.start();
        home = temp.resolve("home").toString();
        agent = temp.resolve("agent.sh");
        report = temp.resolve("report");
        Files.writeString(agent, AGENT);
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwx------"));
        Path userConfig = temp.resolve("dot-codex").resolve("config.toml");
        Files.createDirectories(userConfig.getParent());
        Files.writeString(userConfig, "model = 'x'");
        env = new HashMap<>(Map.of("OPENAI_API_KEY", PROVIDER_KEY, "AEGIS_OPENAI_BASE_URL", fake.baseUrl(),
                "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "AEGIS_PORT", "0",
                "HIDDEN_HOME", home, "PROVIDER_KEY_TO_FIND", PROVIDER_KEY, "USER_CONFIG", userConfig.toString(),
                "REPORT", report.toString()));
        CliRun start = CliRun.run(env, CliRun.args(home, "start"));
        assertThat(start.exitCode()).as(start.all()).isZero();
        long pid = new DaemonStateFile(Path.of(home, "daemon.json")).read().orElseThrow().pid();
        env.put("DAEMON_PID", Long.toString(pid));
        assertThat(Path.of(home, "keys", "receipts.key")).exists();
    }

    @AfterEach
    void tearDown() {
        CliRun.run(env, CliRun.args(home, "stop"));
        fake.close();
    }

    @Test
    void theAgentCannotReadTheHomeOrTheDaemonsEnvironmentButStillCallsTheDaemon() throws Exception {
        requireBwrap();
        CliRun run = CliRun.run(env, CliRun.args(home, "run", "--", agent.toString()));

        if (run.err().contains("aegis: not isolated") && !isolationRequired()) {
            Assumptions.abort("bwrap cannot isolate here, isolation not tested: " + run.err().strip());
        }
        assertThat(run.exitCode()).as(run.all()).isEqualTo(3);
        assertThat(run.err()).doesNotContain("not isolated");
        assertThat(Files.readAllLines(report)).as(run.all()).containsExactly("key: refused", "db: refused",
                "daemon: hidden", "environ: refused", "home: refused", "config: read", "call: 200");
        assertThat(Path.of(home, "planted")).doesNotExist();
        assertThat(fake.requests()).singleElement()
                .satisfies(r -> assertThat(r.header("authorization")).isEqualTo("Bearer " + PROVIDER_KEY));
    }

    /** An Aegis home that holds the user's home would leave the agent without ~/.codex or ~/.claude: refused. */
    @Test
    void aSandboxThatWouldHideTheUsersHomeIsRefused() throws Exception {
        requireBwrap();
        Path userHome = Files.createDirectories(Path.of(home, "user"));
        env.put("HOME", userHome.toString());

        CliRun run = CliRun.run(env, CliRun.args(home, "run", "--", agent.toString()));

        if (run.err().contains("aegis: not isolated") && !isolationRequired()) {
            Assumptions.abort("bwrap cannot isolate here, isolation not tested: " + run.err().strip());
        }
        assertThat(run.exitCode()).as(run.all()).isNotIn(0, 3);
        assertThat(run.err()).contains("the agent would find " + userHome + " empty")
                .contains("which isolation hides").contains("--no-isolate");
        assertThat(report).doesNotExist();
    }

    /** Keys the daemon forwards with are not the agent's business, whichever provider they belong to. */
    @Test
    void theAgentsEnvironmentHasNoProviderKeyOfAnyConfiguredProvider() throws Exception {
        Files.writeString(Path.of(home, "aegis.yaml"), """
                providers:
                  groq: { type: openai-compatible, base_url: "http://127.0.0.1:9/v1", api_key_env: GROQ_API_KEY }
                """);
        env.put("GROQ_API_KEY", "gsk-provider-secret");
        env.put("ANTHROPIC_API_KEY", "sk-ant-provider-secret");
        Path printer = temp.resolve("printer.sh");
        Files.writeString(printer, """
                #!/usr/bin/env bash
                echo "groq=${GROQ_API_KEY:-unset} anthropic=${ANTHROPIC_API_KEY:-unset} openai=${OPENAI_API_KEY:0:6}" > "$REPORT"
                """);
        Files.setPosixFilePermissions(printer, PosixFilePermissions.fromString("rwx------"));

        CliRun run = CliRun.run(env, CliRun.args(home, "run", "--", printer.toString()));

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(Files.readString(report).strip()).isEqualTo("groq=unset anthropic=unset openai=aegis_");
    }

    /** The same agent, opted out: it reads everything, which is what the isolated run prevents. */
    @Test
    void withNoIsolateTheAgentReadsTheKeyAndTheProviderKey() throws Exception {
        CliRun run = CliRun.run(env, CliRun.args(home, "run", "--no-isolate", "--", agent.toString()));

        assertThat(run.exitCode()).as(run.all()).isEqualTo(3);
        assertThat(run.err()).doesNotContain("not isolated");
        assertThat(Files.readAllLines(report)).as(run.all()).containsExactly("key: read", "db: read",
                "daemon: visible", "environ: read", "home: written", "config: read", "call: 200");
    }

    /** bwrap installed but unable to create namespaces (as where user namespaces are off): one notice, then the agent runs. */
    @Test
    void whereBwrapCannotWorkTheRunSaysSoOnceAndStillRunsTheAgent() throws Exception {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path bwrap = bin.resolve("bwrap");
        Files.writeString(bwrap, """
                #!/bin/sh
                echo 'bwrap: No permissions to create new namespace, likely because the kernel does not allow non-privileged user namespaces.' >&2
                exit 1
                """);
        Files.setPosixFilePermissions(bwrap, PosixFilePermissions.fromString("rwx------"));
        env.put("PATH", bin + File.pathSeparator + env.get("PATH"));

        CliRun run = CliRun.run(env, CliRun.args(home, "run", "--", agent.toString()));

        assertThat(run.exitCode()).as(run.all()).isEqualTo(3);
        assertThat(run.err().lines().filter(l -> l.startsWith("aegis: not isolated")).toList()).singleElement()
                .asString().contains("bwrap cannot create a sandbox here (bwrap: No permissions to create new namespace")
                .contains(Path.of(home).toAbsolutePath().toString()).contains("--no-isolate");
        assertThat(Files.readAllLines(report)).contains("key: read", "call: 200");
    }

    private static void requireBwrap() {
        String path = System.getenv().getOrDefault("PATH", "");
        boolean present = Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty())
                .anyMatch(d -> Files.isExecutable(Path.of(d, "bwrap")));
        if (present) {
            return;
        }
        if (isolationRequired()) {
            fail("bwrap is not installed, and this CI run must test isolation: install bubblewrap (.ci/run does)");
        }
        Assumptions.abort("bwrap is not installed: the isolation of `aegis run` is not tested (apt-get install bubblewrap)");
    }

    private static boolean isolationRequired() {
        return System.getenv("CI") != null || List.of("required").contains(System.getenv("AEGIS_TEST_ISOLATION"));
    }
}
