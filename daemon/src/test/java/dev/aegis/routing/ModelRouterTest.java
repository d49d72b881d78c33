package dev.aegis.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.config.AegisConfig;
import dev.aegis.config.ConfigLoader;
import dev.aegis.config.ConfigOverrides;
import dev.aegis.http.ApiException;
import java.nio.file.Files;
import dev.aegis.home.AegisHome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRouterTest {

    private static final AegisHome HOME = new AegisHome(Path.of("/tmp/aegis-test-home"));

    @TempDir
    Path temp;

    private ModelRouter router(String yaml) throws Exception {
        Path f = temp.resolve("aegis.yaml");
        Files.writeString(f, yaml);
        AegisConfig c = new ConfigLoader(Map.of(), HOME).load(f, true, ConfigOverrides.NONE);
        return new ModelRouter(c);
    }

    private static List<String> names(List<RouteTarget> targets) {
        return targets.stream().map(t -> t.provider().name() + ":" + t.model()).toList();
    }

    @Test
    void aliasThenPatternThenPrefixThenDefault() throws Exception {
        ModelRouter r = router("""
                providers: { local: { type: openai-compatible, base_url: "http://127.0.0.1:11434/v1" } }
                models: { fast: [ { provider: openai, model: gpt-4o-mini }, { provider: local, model: llama3.2 } ] }
                routes: { "claude-*": anthropic, "meta-llama/*": local }
                """);

        assertThat(names(r.resolve("fast"))).containsExactly("openai:gpt-4o-mini", "local:llama3.2");
        assertThat(names(r.resolve("claude-sonnet-4-5"))).containsExactly("anthropic:claude-sonnet-4-5");
        assertThat(names(r.resolve("meta-llama/Llama-3.1-8B"))).containsExactly("local:meta-llama/Llama-3.1-8B");
        assertThat(names(r.resolve("anthropic/claude-haiku-4-5"))).containsExactly("anthropic:claude-haiku-4-5");
        assertThat(names(r.resolve("gpt-5"))).containsExactly("openai:gpt-5");
    }

    @Test
    void namesThatPointNowhereAre404() throws Exception {
        ModelRouter strict = router("default_provider: none\n");

        assertThatThrownBy(() -> strict.resolve("gpt-5")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo("model_not_found"));
        assertThatThrownBy(() -> strict.resolve("ghost/gpt-5")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo("model_not_found"));
        assertThatThrownBy(() -> strict.resolve(null)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.status()).isEqualTo(400));
    }
}
