package dev.aegis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.home.AegisHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code passthrough.allow}: "METHOD path-glob" rules, read by the config loader and matched below the API version. */
class PassthroughConfigTest {

    @TempDir
    Path temp;

    private AegisConfig load(String yaml) throws Exception {
        Path f = temp.resolve("aegis.yaml");
        Files.writeString(f, yaml);
        return new ConfigLoader(Map.of(), new AegisHome(temp)).load(f, true, ConfigOverrides.NONE);
    }

    @Test
    void withoutTheSectionModelsAndModerationsAreAllowed() throws Exception {
        PassthroughConfig p = load("server: { port: 9000 }\n").passthrough();

        assertThat(p).isEqualTo(PassthroughConfig.DEFAULT);
        assertThat(p.allows("GET", "/models")).isTrue();
        assertThat(p.allows("GET", "/models/gpt-4o-mini")).isTrue();
        assertThat(p.allows("POST", "/moderations")).isTrue();
        assertThat(p.allows("POST", "/models")).isFalse();
        assertThat(p.allows("GET", "/moderations")).isFalse();
        assertThat(p.allows("POST", "/moderations/x")).isFalse();
        assertThat(p.allows("GET", "/files")).isFalse();
    }

    /** A HEAD is answered as its GET (ROUTES.md): the GET rules let it through (an outside review got 403). */
    @Test
    void aHeadIsAllowedWhereItsGetIs() throws Exception {
        PassthroughConfig p = load("server: { port: 9000 }\n").passthrough();
        assertThat(p.allows("HEAD", "/models")).isTrue();
        assertThat(p.allows("HEAD", "/models/gpt-4o")).isTrue();
        assertThat(p.allows("HEAD", "/moderations")).isFalse();
        assertThat(p.allows("HEAD", "/files")).isFalse();

        PassthroughConfig any = load("passthrough: { allow: [\"* batches\", \"POST files\"] }\n").passthrough();
        assertThat(any.allows("HEAD", "/batches")).isTrue();
        assertThat(any.allows("HEAD", "/files")).isFalse();
    }

    @Test
    void aStarMatchesAnyRunOfCharactersSlashIncluded() throws Exception {
        PassthroughConfig p = load("passthrough: { allow: [\"get files*\", \"DELETE /files/*/content\", \"* batches\"] }\n")
                .passthrough();

        assertThat(p.allows("GET", "/files")).isTrue();
        assertThat(p.allows("GET", "/files/abc/content")).isTrue();
        assertThat(p.allows("POST", "/files")).isFalse();
        assertThat(p.allows("DELETE", "/files/abc/content")).isTrue();
        assertThat(p.allows("DELETE", "/files/a/b/content")).isTrue();
        assertThat(p.allows("DELETE", "/files/abc")).isFalse();
        assertThat(p.allows("PATCH", "/batches")).isTrue();
        assertThat(p.allows("PATCH", "/batches/b1")).isFalse();
        assertThat(p.allows("GET", "/models")).isFalse();
    }

    @Test
    void anEmptyListAllowsNothing() throws Exception {
        PassthroughConfig p = load("passthrough: { allow: [] }\n").passthrough();
        assertThat(p.allows("GET", "/models")).isFalse();
    }

    @Test
    void badRulesAreNamedByTheirPath() {
        assertThatThrownBy(() -> load("passthrough:\n  allow: [\"models*\", \"FETCH models\", \"GET v1/files*\", 3]\n"
                + "  deny: []\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path)
                        .containsExactlyInAnyOrder("passthrough.allow[0]", "passthrough.allow[1]", "passthrough.allow[2]",
                                "passthrough.allow[3]", "passthrough.deny"));
    }
}
