package dev.aegis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.home.AegisHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code mcp} section: servers, allowlists and rates, and its errors named by path. */
class McpSectionTest {

    @TempDir
    Path temp;

    private AegisConfig load(String yaml) throws Exception {
        Path f = temp.resolve("aegis.yaml");
        Files.writeString(f, yaml);
        return new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-x"), new AegisHome(temp.resolve("home")))
                .load(f, true, ConfigOverrides.NONE);
    }

    @Test
    void serversAllowlistsAndRatesAreRead() throws Exception {
        McpConfig mcp = load("""
                mcp:
                  timeout: 5s
                  allow: ["files", "search/query"]
                  tool_calls_per_minute: 60
                  keys:
                    ci: { allow: ["files/read_*"], tool_calls_per_minute: 5 }
                    open: { tool_calls_per_minute: 0 }
                  servers:
                    files: { command: ["npx", "server-filesystem", "/src"], env: { DEBUG: "1" } }
                    search: { url: "https://mcp.example.com/mcp" }
                """).mcp();
        assertThat(mcp.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(mcp.servers().get("files").command()).containsExactly("npx", "server-filesystem", "/src");
        assertThat(mcp.servers().get("files").env()).containsEntry("DEBUG", "1");
        assertThat(mcp.servers().get("files").stdio()).isTrue();
        assertThat(mcp.servers().get("search").url()).hasToString("https://mcp.example.com/mcp");

        assertThat(mcp.allows("k1", "someone", "files", "write")).isTrue();
        assertThat(mcp.allows("k1", "someone", "search", "query")).isTrue();
        assertThat(mcp.allows("k1", "someone", "search", "delete")).isFalse();
        assertThat(mcp.allows("k2", "ci", "files", "read_file")).isTrue();
        assertThat(mcp.allows("k2", "ci", "files", "write")).isFalse();
        assertThat(mcp.allowsServer("k2", "ci", "search")).isFalse();
        assertThat(mcp.allowsServer("k1", "someone", "search")).isTrue();
        assertThat(mcp.toolCallsPerMinute("k1", "someone")).isEqualTo(60);
        assertThat(mcp.toolCallsPerMinute("k2", "ci")).isEqualTo(5);
        assertThat(mcp.toolCallsPerMinute("k3", "open")).isZero();
        assertThat(mcp.allowlist("k3", "open")).hasValue(List.of("files", "search/query"));
    }

    @Test
    void withoutTheSectionThereAreNoServersAndNoLists() throws Exception {
        McpConfig mcp = load("server: { port: 9000 }\n").mcp();
        assertThat(mcp.servers()).isEmpty();
        assertThat(mcp.allows("k", "n", "any", "tool")).isTrue();
        assertThat(mcp.timeout()).isEqualTo(McpConfig.DEFAULT_TIMEOUT);
    }

    @Test
    void errorsAreNamedByPath() {
        assertThatThrownBy(() -> load("""
                mcp:
                  allow: ["a/b/c"]
                  servers:
                    both: { command: ["x"], url: "http://h/mcp" }
                    neither: { env: { A: "1" } }
                    badurl: { url: "ftp://h/mcp" }
                    "bad name": { url: "http://h/mcp" }
                    empty: { command: [] }
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                .extracting(ConfigError::path)
                .contains("mcp.allow[0]", "mcp.servers.both", "mcp.servers.neither", "mcp.servers.badurl.url",
                        "mcp.servers.bad name", "mcp.servers.empty.command"));
    }
}
