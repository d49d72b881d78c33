package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `aegis init codex` and `aegis env claude`. */
class ClientSetupIT {

    @TempDir
    Path temp;

    private CliRun aegis(Map<String, String> env, String... args) {
        return CliRun.run(env, CliRun.args(temp.resolve("home").toString(), args));
    }

    @Test
    void initCodexPrintsAResponsesProviderForTheConfiguredPort() throws Exception {
        CliRun run = aegis(Map.of("AEGIS_PORT", "9911"), "init", "codex", "--key", "aegis_k");
        assertThat(run.exitCode()).isZero();
        String toml = run.out().lines().filter(l -> !l.startsWith("#") && !l.startsWith("export"))
                .reduce("", (a, b) -> a + b + "\n");
        JsonNode provider = new TomlMapper().readTree(toml).at("/model_providers/aegis");
        assertThat(provider.path("base_url").asText()).isEqualTo("http://127.0.0.1:9911/v1");
        assertThat(provider.path("wire_api").asText()).isEqualTo("responses");
        assertThat(provider.path("env_key").asText()).isEqualTo("AEGIS_API_KEY");
        assertThat(run.out()).contains("codex -c model_provider=aegis").contains("export AEGIS_API_KEY=aegis_k");
    }

    @Test
    void writeMergesIntoAnExistingConfigKeepingEverythingElse() throws Exception {
        Path codexHome = temp.resolve("codex");
        Files.createDirectories(codexHome);
        Path config = codexHome.resolve("config.toml");
        String original = """
                # my settings
                model = "gpt-5-codex"
                approval_policy = "on-request"

                [model_providers.aegis]
                name = "old"
                base_url = "http://127.0.0.1:1/v1"

                [model_providers.other]
                name = "Other"
                base_url = "https://example.invalid/v1"

                [mcp_servers.docs]
                command = "docs-server"
                """;
        Files.writeString(config, original);

        CliRun run = aegis(Map.of("CODEX_HOME", codexHome.toString(), "AEGIS_PORT", "9912"), "init", "codex", "--write");
        assertThat(run.exitCode()).as(run.all()).isZero();

        String merged = Files.readString(config);
        assertThat(merged).contains("# my settings", "model = \"gpt-5-codex\"", "[mcp_servers.docs]", "[model_providers.other]")
                .doesNotContain("name = \"old\"");
        JsonNode parsed = new TomlMapper().readTree(merged);
        assertThat(parsed.at("/model_providers/aegis/base_url").asText()).isEqualTo("http://127.0.0.1:9912/v1");
        assertThat(parsed.at("/model_providers/other/name").asText()).isEqualTo("Other");
        assertThat(parsed.at("/mcp_servers/docs/command").asText()).isEqualTo("docs-server");
        assertThat(parsed.path("approval_policy").asText()).isEqualTo("on-request");
        try (Stream<Path> files = Files.list(codexHome)) {
            List<Path> backups = files.filter(p -> p.getFileName().toString().startsWith("config.toml.bak-")).toList();
            assertThat(backups).singleElement().satisfies(b -> assertThat(b).hasContent(original.strip()));
        }

        // Running it again changes nothing but the provider table.
        aegis(Map.of("CODEX_HOME", codexHome.toString(), "AEGIS_PORT", "9912"), "init", "codex", "--write");
        assertThat(Files.readString(config)).isEqualTo(merged);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "[model_providers.aegis] # the gateway",
        "[ model_providers.aegis ]",
        "[model_providers . \"aegis\"]",
        "['model_providers'.aegis]"})
    void writeReplacesTheProviderTableHoweverItsHeaderIsSpelled(String header) throws Exception {
        Path codexHome = temp.resolve("codex-" + Integer.toHexString(header.hashCode()));
        Files.createDirectories(codexHome);
        Path config = codexHome.resolve("config.toml");
        Files.writeString(config, "model = \"gpt-5-codex\"\n\n" + header + "\nname = \"old\"\nbase_url = \"http://127.0.0.1:1/v1\"\n\n"
                + "[model_providers.aegis.http_headers]\nX-Old = \"1\"\n\n[mcp_servers.docs]\ncommand = \"docs-server\"\n");

        CliRun run = aegis(Map.of("CODEX_HOME", codexHome.toString(), "AEGIS_PORT", "9914"), "init", "codex", "--write");

        assertThat(run.exitCode()).as(run.all()).isZero();
        JsonNode parsed = new TomlMapper().readTree(Files.readString(config));
        assertThat(parsed.at("/model_providers/aegis/base_url").asText()).isEqualTo("http://127.0.0.1:9914/v1");
        assertThat(parsed.at("/model_providers/aegis/http_headers").isMissingNode()).isTrue();
        assertThat(parsed.at("/mcp_servers/docs/command").asText()).isEqualTo("docs-server");
        assertThat(parsed.path("model").asText()).isEqualTo("gpt-5-codex");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "model_providers = { aegis = { name = \"old\", base_url = \"http://127.0.0.1:1/v1\" } }\n",
        "[model_providers]\naegis = { name = \"old\", base_url = \"http://127.0.0.1:1/v1\" }\n",
        "model = \"unterminated\n"})
    void writeRefusesWhatItCannotMergeAndLeavesTheFileAlone(String original) throws Exception {
        Path codexHome = temp.resolve("codex-" + Integer.toHexString(original.hashCode()));
        Files.createDirectories(codexHome);
        Path config = codexHome.resolve("config.toml");
        Files.writeString(config, original);

        CliRun run = aegis(Map.of("CODEX_HOME", codexHome.toString(), "AEGIS_PORT", "9915"), "init", "codex", "--write");

        assertThat(run.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err()).contains(config.toString()).doesNotContain("Exception");
        assertThat(config).hasContent(original.stripTrailing());
        try (Stream<Path> files = Files.list(codexHome)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("config.toml");
        }
    }

    @Test
    void writeCreatesTheFileWhenThereIsNone() throws Exception {
        Path codexHome = temp.resolve("fresh");
        assertThat(aegis(Map.of("CODEX_HOME", codexHome.toString()), "init", "codex", "--write").exitCode()).isZero();
        assertThat(new TomlMapper().readTree(Files.readString(codexHome.resolve("config.toml")))
                .at("/model_providers/aegis/wire_api").asText()).isEqualTo("responses");
    }

    @Test
    void envClaudeForEachShell() {
        Map<String, String> env = Map.of("AEGIS_PORT", "9913");
        assertThat(aegis(env, "env", "claude", "--shell", "bash").out())
                .contains("export ANTHROPIC_BASE_URL=http://127.0.0.1:9913\n")
                .contains("export ANTHROPIC_AUTH_TOKEN=\"$AEGIS_API_KEY\"\n");
        assertThat(aegis(env, "env", "claude", "--shell", "zsh", "--key", "aegis_x").out())
                .contains("export ANTHROPIC_AUTH_TOKEN=aegis_x\n");
        assertThat(aegis(Map.of("AEGIS_PORT", "9913", "SHELL", "/usr/bin/fish"), "env", "claude").out())
                .contains("set -gx ANTHROPIC_BASE_URL http://127.0.0.1:9913;")
                .contains("set -gx ANTHROPIC_AUTH_TOKEN $AEGIS_API_KEY;");
        assertThat(aegis(env, "env", "cursor").exitCode()).isEqualTo(ExitCode.USAGE);
        // A shell without the key is told (on stderr, which eval does not run); one with it, or --key, is not.
        assertThat(aegis(env, "env", "claude").err()).contains("$AEGIS_API_KEY is not set in this shell");
        assertThat(aegis(Map.of("AEGIS_PORT", "9913", "AEGIS_API_KEY", "aegis_y"), "env", "claude").err()).isEmpty();
        assertThat(aegis(env, "env", "claude", "--key", "aegis_x").err()).isEmpty();
    }
}
