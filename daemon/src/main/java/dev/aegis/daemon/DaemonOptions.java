package dev.aegis.daemon;

import dev.aegis.config.ConfigOverrides;
import dev.aegis.home.AegisHome;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a daemon is started with.
 *
 * @param configFile the config file; {@code configExplicit} says whether it must exist
 * @param instance the id the CLI chose for this daemon, echoed in {@code daemon.json}
 * @param foreground log to stderr instead of the log file
 */
record DaemonOptions(
        AegisHome home,
        Path configFile,
        boolean configExplicit,
        ConfigOverrides overrides,
        String instance,
        boolean foreground,
        Map<String, String> env) {}
