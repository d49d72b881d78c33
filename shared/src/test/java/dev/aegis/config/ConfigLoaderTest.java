package dev.aegis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import dev.aegis.home.AegisHome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final AegisHome HOME = new AegisHome(Path.of("/tmp/aegis-test-home"));

    @TempDir
    Path temp;

    private Path file(String yaml) throws Exception {
        Path f = temp.resolve("aegis.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void zeroConfigNeedsNothingButTheOpenAiKey() throws Exception {
        AegisConfig c = new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-real"), HOME)
                .load(temp.resolve("missing.yaml"), false, ConfigOverrides.NONE);

        assertThat(c.server().host()).isEqualTo("127.0.0.1");
        assertThat(c.server().port()).isEqualTo(8787);
        assertThat(c.server().maxBodyBytes()).isEqualTo(32L * 1024 * 1024);
        assertThat(c.defaultProvider()).hasValue("openai");
        assertThat(c.providers().get("openai").baseUrl()).hasToString("https://api.openai.com/v1");
        assertThat(c.providers().get("openai").apiKey()).isEqualTo("sk-real");
        assertThat(c.providers().get("openai").toString()).doesNotContain("sk-real");
        assertThat(c.source()).isNull();
        assertThat(c.routes()).singleElement().satisfies(r -> {
            assertThat(r.matches("claude-sonnet-4-5")).isTrue();
            assertThat(r.provider()).isEqualTo("anthropic");
        });
    }

    @Test
    void precedenceIsFlagThenEnvironmentThenFile() throws Exception {
        Path f = file("server: { port: 9000, host: 127.0.0.2 }\n");

        assertThat(new ConfigLoader(Map.of(), HOME).load(f, true, ConfigOverrides.NONE).server().port()).isEqualTo(9000);
        assertThat(new ConfigLoader(Map.of("PORT", "9100"), HOME).load(f, true, ConfigOverrides.NONE).server().port())
                .isEqualTo(9100);
        assertThat(new ConfigLoader(Map.of("PORT", "9100", "AEGIS_PORT", "9200"), HOME)
                        .load(f, true, ConfigOverrides.NONE).server().port()).isEqualTo(9200);
        AegisConfig flagged = new ConfigLoader(Map.of("AEGIS_PORT", "9200"), HOME)
                .load(f, true, new ConfigOverrides("127.0.0.3", 9300));
        assertThat(flagged.server().port()).isEqualTo(9300);
        assertThat(flagged.server().host()).isEqualTo("127.0.0.3");
    }

    @Test
    void baseUrlsComeFromAegisVariablesNeverFromClientVariables() throws Exception {
        AegisConfig c = new ConfigLoader(Map.of(
                        "OPENAI_BASE_URL", "http://127.0.0.1:8787/v1",
                        "AEGIS_ANTHROPIC_BASE_URL", "http://127.0.0.1:4000/"), HOME)
                .load(null, false, ConfigOverrides.NONE);

        assertThat(c.providers().get("openai").baseUrl()).hasToString("https://api.openai.com/v1");
        assertThat(c.providers().get("anthropic").baseUrl()).hasToString("http://127.0.0.1:4000");
    }

    @Test
    void fullFileIsRead() throws Exception {
        Path f = file("""
                server:
                  max_body: 1MB
                  cors: { allowed_origins: mirror }
                providers:
                  local: { type: openai-compatible, base_url: http://127.0.0.1:11434/v1 }
                  azure: { type: azure, base_url: https://x.openai.azure.com, api_key_env: AZ, api_version: "2024-10-21" }
                default_provider: local
                models:
                  aegis-fast:
                    - { provider: openai, model: gpt-4o-mini }
                    - { provider: local, model: llama3.2 }
                routes:
                  "llama*": local
                retry: { attempts: 2, base_delay: 100ms, max_delay: 1s }
                timeouts: { connect: 2s, first_byte: 30s, idle: 10s }
                governance: { enabled: true }
                """);
        AegisConfig c = new ConfigLoader(Map.of("AZ", "az-key"), HOME).load(f, true, ConfigOverrides.NONE);

        assertThat(c.server().maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(c.server().corsOrigins()).containsExactly("mirror");
        assertThat(c.defaultProvider()).hasValue("local");
        assertThat(c.models().get("aegis-fast")).containsExactly(
                new ModelTarget("openai", "gpt-4o-mini"), new ModelTarget("local", "llama3.2"));
        assertThat(c.routes()).singleElement().satisfies(r -> {
            assertThat(r.matches("llama3.2")).isTrue();
            assertThat(r.matches("gpt-4o")).isFalse();
        });
        assertThat(c.providers().get("azure").apiKey()).isEqualTo("az-key");
        assertThat(c.retry()).isEqualTo(new RetryConfig(2, Duration.ofMillis(100), Duration.ofSeconds(1)));
        assertThat(c.timeouts().idle()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void everyErrorIsNamedByItsPath() throws Exception {
        Path f = file("""
                server: { port: 70000, hots: x, max_body: lots }
                providers:
                  local: { type: ollama }
                  az: { type: azure, base_url: "ftp://nope" }
                default_provider: nowhere
                models:
                  fast: [ { provider: ghost, model: m } ]
                routes: { "x*": ghost }
                timeouts: { idle: soon }
                colour: blue
                """);

        assertThatThrownBy(() -> new ConfigLoader(Map.of(), HOME).load(f, true, ConfigOverrides.NONE))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path)
                        .containsExactlyInAnyOrder("colour", "server.port", "server.hots", "server.max_body",
                                "providers.local.type", "providers.az.base_url", "providers.az.api_version",
                                "default_provider", "models.fast[0].provider", "models.fast", "routes.x*",
                                "timeouts.idle"));
    }

    @Test
    void promptLogIsOffByDefaultAndItsSettingsAreChecked() throws Exception {
        Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-real");
        assertThat(new ConfigLoader(env, HOME).load(temp.resolve("missing.yaml"), false, ConfigOverrides.NONE).audit()
                .promptLog()).isEqualTo(new PromptLogConfig(false, 500, 10_000));
        Path on = file("audit: { prompt_log: { enabled: true, preview_chars: 80, max_entries: 3 } }\n");
        assertThat(new ConfigLoader(env, HOME).load(on, true, ConfigOverrides.NONE).audit().promptLog())
                .isEqualTo(new PromptLogConfig(true, 80, 3));
        Path bad = file("audit: { prompt_log: { enabled: maybe, preview_chars: 0, max_entries: lots, size: 1 } }\n");
        assertThatThrownBy(() -> new ConfigLoader(env, HOME).load(bad, true, ConfigOverrides.NONE))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path)
                        .containsExactlyInAnyOrder("audit.prompt_log.enabled", "audit.prompt_log.preview_chars",
                                "audit.prompt_log.max_entries", "audit.prompt_log.size"));
    }

    @Test
    void hostsBodyBudgetAndReadTimeoutHaveDefaultsAndTheirErrorsAreNamed() throws Exception {
        Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-real");
        ServerConfig defaults = new ConfigLoader(env, HOME).load(null, false, ConfigOverrides.NONE).server();
        assertThat(defaults.allowedHosts()).isEmpty();
        assertThat(defaults.maxInflightBody()).isEqualTo(256L * 1024 * 1024);
        assertThat(defaults.readTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.busyPoll()).isEqualTo(Duration.ofNanos(100_000));
        assertThat(defaults.headBusyPoll()).isEqualTo(Duration.ofNanos(100_000));
        assertThat(defaults.platformThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        Path set = file("server: { allowed_hosts: [aegis.internal, \"10.0.0.2\"], max_inflight_body: 64MB, read_timeout: 5s,"
                + " busy_poll: 0, head_busy_poll: 250us, platform_threads: 0 }\n");
        ServerConfig server = new ConfigLoader(env, HOME).load(set, true, ConfigOverrides.NONE).server();
        assertThat(server.allowedHosts()).containsExactly("aegis.internal", "10.0.0.2");
        assertThat(server.maxInflightBody()).isEqualTo(64L * 1024 * 1024);
        assertThat(server.readTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(server.busyPoll()).isZero();
        assertThat(server.headBusyPoll()).isEqualTo(Duration.ofNanos(250_000));
        assertThat(server.platformThreads()).isZero();
        Path bad = file("server: { allowed_hosts: aegis.internal, max_inflight_body: 1MB, read_timeout: 0s, busy_poll: 11ms,"
                + " head_busy_poll: -1ms, platform_threads: -1 }\n");
        assertThatThrownBy(() -> new ConfigLoader(env, HOME).load(bad, true, ConfigOverrides.NONE))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path)
                        .containsExactlyInAnyOrder("server.allowed_hosts", "server.max_inflight_body", "server.read_timeout",
                                "server.busy_poll", "server.head_busy_poll", "server.platform_threads"));
        Path url = file("server: { allowed_hosts: [\"http://aegis.internal/\"] }\n");
        assertThatThrownBy(() -> new ConfigLoader(env, HOME).load(url, true, ConfigOverrides.NONE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("server.allowed_hosts[0]");
    }

    @Test
    void brokenYamlAndMissingExplicitFileAreErrors() throws Exception {
        Path broken = file("server: [unclosed\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of(), HOME).load(broken, true, ConfigOverrides.NONE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> new ConfigLoader(Map.of(), HOME).load(temp.resolve("nope.yaml"), true, ConfigOverrides.NONE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not found");
        Path huge = file("# " + "x".repeat(ConfigLoader.MAX_FILE_BYTES) + "\n");
        long began = System.nanoTime();
        assertThatThrownBy(() -> new ConfigLoader(Map.of(), HOME).load(huge, true, ConfigOverrides.NONE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("larger than 1024 KB");
        assertThat(System.nanoTime() - began).as("refused without parsing").isLessThan(java.time.Duration.ofSeconds(2).toNanos());
        Path empty = file("server: { host: \"\" }\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of(), HOME).load(empty, true, ConfigOverrides.NONE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("server.host").hasMessageContaining("is empty");
    }

    @Test
    void aFileThatIsNotUtf8OrNamesAKeyTwiceIsAnErrorInWords() throws Exception {
        Path latin1 = temp.resolve("latin1.yaml");
        Files.write(latin1, new byte[] {'s', 'e', 'r', 'v', 'e', 'r', ':', ' ', '{', 'h', 'o', 's', 't', ':', ' ', 'c', (byte) 0xE9, '}', '\n'});
        assertThatThrownBy(() -> new ConfigLoader(Map.of(), HOME).load(latin1, true, ConfigOverrides.NONE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not UTF-8 text (byte 16")
                .hasMessageNotContaining("Exception");
        Path twice = file("server:\n  port: 1\nserver:\n  port: 2\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of(), HOME).load(twice, true, ConfigOverrides.NONE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Duplicate field 'server'");
        Path nested = file("server:\n  port: 1\n  port: 2\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of(), HOME).load(nested, true, ConfigOverrides.NONE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Duplicate field 'port'");
    }

    @Test
    void badPortInEnvironmentIsNamed() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of("AEGIS_PORT", "http"), HOME).load(null, false, ConfigOverrides.NONE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("AEGIS_PORT");
    }

    /**
     * The environment wins over the file, for a built-in provider's URL too: the file `aegis config init` writes names
     * the public URLs, and sent calls meant for a local server (AEGIS_OPENAI_BASE_URL) to api.openai.com (outside review).
     */
    @Test
    void aBuiltInProvidersUrlFromTheEnvironmentWinsOverTheFile() throws Exception {
        Path config = file("providers:\n  openai: { type: openai, base_url: https://api.openai.com/v1 }\n"
                + "  anthropic: { type: anthropic, base_url: https://api.anthropic.com }\n"
                + "  local: { type: openai-compatible, base_url: http://127.0.0.1:9/v1 }\n");
        AegisConfig fromEnv = new ConfigLoader(Map.of("AEGIS_OPENAI_BASE_URL", "http://127.0.0.1:11434/v1"), HOME)
                .load(config, true, ConfigOverrides.NONE);
        assertThat(fromEnv.providers().get("openai").baseUrl()).hasToString("http://127.0.0.1:11434/v1");
        assertThat(fromEnv.providers().get("anthropic").baseUrl()).hasToString("https://api.anthropic.com");
        assertThat(fromEnv.providers().get("local").baseUrl()).hasToString("http://127.0.0.1:9/v1");
        AegisConfig fromFile = new ConfigLoader(Map.of(), HOME).load(file("providers:\n  openai: { type: openai, "
                + "base_url: http://127.0.0.1:8000/v1 }\n"), true, ConfigOverrides.NONE);
        assertThat(fromFile.providers().get("openai").baseUrl()).hasToString("http://127.0.0.1:8000/v1");
    }

    @Test
    void providerPointingAtTheDaemonIsRefused() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of("AEGIS_OPENAI_BASE_URL", "http://localhost:8787/v1"), HOME)
                        .load(null, false, ConfigOverrides.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("providers.openai.base_url")
                .hasMessageContaining("points back at this daemon");
    }

    @Test
    void anAegisKeyAsTheProvidersKeyIsRefusedAndNoFileIsNamedWhenThereIsNone() {
        String aegisKey = dev.aegis.keys.ApiKeys.mint().key();
        assertThatThrownBy(() -> new ConfigLoader(Map.of("OPENAI_API_KEY", aegisKey), HOME)
                        .load(HOME.configFile(), false, ConfigOverrides.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("providers.openai.api_key_env")
                .hasMessageContaining("$OPENAI_API_KEY holds an Aegis key")
                .hasMessageContaining("(no config file: the defaults and the environment)")
                .hasMessageNotContaining("aegis.yaml")
                .hasMessageNotContaining(aegisKey);
    }

    @Test
    void defaultProviderNoneRefusesUnroutedModels() throws Exception {
        AegisConfig c = new ConfigLoader(Map.of("AEGIS_DEFAULT_PROVIDER", "none"), HOME).load(null, false, ConfigOverrides.NONE);
        assertThat(c.defaultProvider()).isEmpty();
    }

    @Test
    void storedContextTokensForCreditReservationsHaveADefaultAndAreChecked() throws Exception {
        Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-real");
        assertThat(new ConfigLoader(env, HOME).load(temp.resolve("missing.yaml"), false, ConfigOverrides.NONE)
                .governance().credits().storedContextTokens()).isEqualTo(128_000);
        Path set = file("governance: { credits: { stored_context_tokens: 400000 } }\n");
        assertThat(new ConfigLoader(env, HOME).load(set, true, ConfigOverrides.NONE).governance().credits())
                .isEqualTo(new GovernanceConfig.Credits(400_000, GovernanceConfig.Credits.DEFAULT_OUTPUT_TOKENS));
        Path bad = file("governance: { credits: { stored_context_tokens: -1, floor: 2 } }\n");
        assertThatThrownBy(() -> new ConfigLoader(env, HOME).load(bad, true, ConfigOverrides.NONE))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path)
                        .containsExactlyInAnyOrder("governance.credits.stored_context_tokens", "governance.credits.floor"));
    }

    @Test
    void sessionBudgetsInTheFileAndTheEnvironmentAreReadAndChecked() throws Exception {
        Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-real");
        Path set = file("governance: { policy: { hardStop: true, tokens: { perSession: 5000 }, usd: { perSession: 2.50 } } }\n");
        BudgetPolicy policy = new ConfigLoader(env, HOME).load(set, true, ConfigOverrides.NONE).governance().policy();
        assertThat(policy.perSession()).isEqualTo(5000);
        assertThat(policy.perSessionUsd()).isEqualByComparingTo("2.50");
        assertThat(policy.any()).isTrue();
        BudgetPolicy fromEnv = new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-real", "AEGIS_DEFAULT_POLICY_JSON",
                "{\"hardStop\": true, \"usd\": {\"perSession\": 0.5}}"), HOME)
                .load(null, false, ConfigOverrides.NONE).governance().policy();
        assertThat(fromEnv.perSessionUsd()).isEqualByComparingTo("0.5");
        assertThat(fromEnv.perSession()).isZero();
        Path bad = file("governance: { policy: { tokens: { perSession: -1 }, usd: { perSession: -2, perDay: 1 } } }\n");
        assertThatThrownBy(() -> new ConfigLoader(env, HOME).load(bad, true, ConfigOverrides.NONE))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path)
                        .containsExactlyInAnyOrder("governance.policy.tokens.perSession", "governance.policy.usd.perSession",
                                "governance.policy.usd.perDay"));
    }

    @Test
    void theStoreIsSqliteOrAPostgresqlServerWhosePasswordMayComeFromTheEnvironment() throws Exception {
        assertThat(new ConfigLoader(Map.of(), HOME).load(null, false, ConfigOverrides.NONE).storeUrl())
                .isEqualTo("jdbc:sqlite:/tmp/aegis-test-home/aegis.db");
        Path f = file("""
                store:
                  url: jdbc:postgresql://db.internal:5432/aegis?user=aegis
                  password_env: AEGIS_DB_PASSWORD
                """);
        assertThat(new ConfigLoader(Map.of("AEGIS_DB_PASSWORD", "s3cr&t"), HOME).load(f, true, ConfigOverrides.NONE).storeUrl())
                .isEqualTo("jdbc:postgresql://db.internal:5432/aegis?user=aegis&password=s3cr%26t");
        // AEGIS_STORE_URL wins over the file.
        assertThat(new ConfigLoader(Map.of("AEGIS_STORE_URL", "jdbc:postgresql://other/aegis", "AEGIS_DB_PASSWORD", "p"), HOME)
                .load(f, true, ConfigOverrides.NONE).storeUrl()).isEqualTo("jdbc:postgresql://other/aegis?password=p");
        // A password variable that is not set is an error by path, and the URL shown hides its password.
        assertThatThrownBy(() -> new ConfigLoader(Map.of(), HOME).load(f, true, ConfigOverrides.NONE))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path).containsExactly("store.password_env"));
        Path bad = file("""
                store:
                  url: jdbc:mysql://db/aegis?user=a&password=hunter2
                """);
        assertThatThrownBy(() -> new ConfigLoader(Map.of(), HOME).load(bad, true, ConfigOverrides.NONE))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.errors()).extracting(ConfigError::path).containsExactly("store.url");
                    assertThat(e.getMessage()).doesNotContain("hunter2").contains("password=***");
                });
    }

    @Test
    void howLongWorkWaitsForAPostgresqlConnectionIsFiveSecondsUnlessSetWithinItsBounds() throws Exception {
        Map<String, String> env = Map.of("AEGIS_STORE_URL", "jdbc:postgresql://db/aegis");
        assertThat(new ConfigLoader(env, HOME).load(null, false, ConfigOverrides.NONE).storeConnectionTimeout())
                .isEqualTo(java.time.Duration.ofSeconds(5));
        Path set = file("store: { connection_timeout: 750ms }\n");
        assertThat(new ConfigLoader(env, HOME).load(set, true, ConfigOverrides.NONE).storeConnectionTimeout())
                .isEqualTo(java.time.Duration.ofMillis(750));
        for (String bad : new String[] {"100ms", "2m", "soon"}) {
            Path f = file("store: { connection_timeout: " + bad + " }\n");
            assertThatThrownBy(() -> new ConfigLoader(env, HOME).load(f, true, ConfigOverrides.NONE)).as(bad)
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                            .extracting(ConfigError::path).containsExactly("store.connection_timeout"));
        }
        // SQLite has no pool to wait for: the key is a mistake there, named by its path.
        Path onSqlite = file("store: { connection_timeout: 750ms }\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of(), HOME).load(onSqlite, true, ConfigOverrides.NONE))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).as(e.getMessage())
                        .extracting(ConfigError::path).containsExactly("store.connection_timeout"));
    }
}
