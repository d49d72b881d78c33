package dev.aegis.cli;

import dev.aegis.config.AegisConfig;
import dev.aegis.config.ConfigError;
import dev.aegis.config.ConfigException;
import dev.aegis.config.ConfigLoader;
import dev.aegis.config.ConfigOverrides;
import dev.aegis.config.Setting;
import dev.aegis.home.AegisHome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A config file read exactly as the daemon would read it (environment overrides included): the
 * config, or every error with its path. Behind {@code aegis config check} and {@code aegis doctor}.
 *
 * @param config the loaded config, or null when there are errors
 */
public record ConfigCheck(Path file, AegisConfig config, List<ConfigError> errors) {

    public boolean valid() {
        return config != null;
    }

    /** The file the daemon reads: {@code AEGIS_CONFIG}, else {@code $AEGIS_HOME/aegis.yaml}. */
    public static Path daemonConfigFile(CliContext context) {
        String configured = Setting.AEGIS_CONFIG.from(context.env());
        return configured != null ? AegisHome.expandTilde(configured) : context.home().configFile();
    }

    /** True when the daemon insists that its file exists (named by {@code AEGIS_CONFIG}). */
    public static boolean daemonConfigRequired(CliContext context) {
        return Setting.AEGIS_CONFIG.from(context.env()) != null;
    }

    public static ConfigCheck of(CliContext context, Path file, boolean mustExist) {
        try {
            AegisConfig config = new ConfigLoader(Map.copyOf(context.env()), context.home())
                    .load(file, mustExist, ConfigOverrides.NONE);
            return new ConfigCheck(file, config, List.of());
        } catch (ConfigException e) {
            return new ConfigCheck(file, null, e.errors());
        }
    }
}
