package dev.aegis.reload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.config.AegisConfig;
import dev.aegis.config.ConfigLoader;
import dev.aegis.config.ConfigOverrides;
import dev.aegis.home.AegisHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher applies an edited file once the edit has settled, never a file caught half-written. */
class ConfigWatcherTest {

    @TempDir
    Path temp;

    @Test
    void aFileCaughtHalfWrittenIsNotAppliedTheSettledOneIs() throws Exception {
        Path file = temp.resolve("aegis.yaml");
        Files.writeString(file, "default_provider: none\n");
        ConfigLoader loader = new ConfigLoader(Map.of(), new AegisHome(temp));
        AtomicReference<AegisConfig> current = new AtomicReference<>(loader.load(file, false, ConfigOverrides.NONE));
        ReloadCounts counts = new ReloadCounts();
        ConfigWatcher watcher = new ConfigWatcher(file, loader, ConfigOverrides.NONE, current, counts, false);
        var noDefault = current.get().defaultProvider();
        assertThat(loader.load(temp.resolve("absent.yaml"), false, ConfigOverrides.NONE).defaultProvider())
                .as("an empty config has a default provider").isNotEqualTo(noDefault);

        // An editor truncates the file, then writes it: a poll lands in between.
        Files.writeString(file, "");
        watcher.check();
        assertThat(current.get().defaultProvider()).as("the empty file is not applied").isEqualTo(noDefault);

        Files.writeString(file, "default_provider: none\nmodels:\n  fast: [ { provider: openai, model: gpt-4o-mini } ]\n");
        watcher.check();
        assertThat(current.get().models()).as("not settled yet").doesNotContainKey("fast");
        watcher.check();
        assertThat(current.get().models()).containsKey("fast");
        assertThat(current.get().defaultProvider()).isEqualTo(noDefault);
        assertThat(counts.appliedCount()).isEqualTo(1);

        watcher.check();
        assertThat(counts.appliedCount()).as("an unchanged file is not applied again").isEqualTo(1);
    }

    @Test
    void serverThreadingChangesAreSaidToNeedARestart() throws Exception {
        ConfigLoader loader = new ConfigLoader(Map.of(), new AegisHome(temp));
        Path before = temp.resolve("before.yaml");
        Files.writeString(before, "server: { busy_poll: 100us }\n");
        for (String after : new String[] {"server: { busy_poll: 1ms }\n", "server: { head_busy_poll: 1ms }\n",
                "server: { busy_poll: 100us, front: false }\n", "server: { busy_poll: 100us, platform_threads: 0 }\n"}) {
            Path file = temp.resolve("after.yaml");
            Files.writeString(file, after);
            assertThat(ConfigWatcher.changes(loader.load(before, false, ConfigOverrides.NONE), loader.load(file, false, ConfigOverrides.NONE)))
                    .as(after).singleElement().asString()
                    .contains("server.allowed_hosts/").contains("takes effect after aegis stop && aegis start");
        }
    }
}
