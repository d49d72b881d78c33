package dev.aegis.cli;

import dev.aegis.config.AegisConfig;
import dev.aegis.config.ConfigException;
import dev.aegis.config.ConfigLoader;
import dev.aegis.config.ConfigOverrides;
import dev.aegis.config.Setting;
import dev.aegis.home.AegisHome;
import dev.aegis.store.Database;
import dev.aegis.store.StoreException;
import java.io.IOException;
import java.nio.file.Path;

/** Opens the database the daemon uses (the config's {@code store.url}), so commands work with or without it running. */
public final class Stores {

    private Stores() {}

    /** The config the daemon would use (file and environment), for the settings commands need. */
    public static AegisConfig config(CliContext context) {
        AegisHome home = context.home();
        try {
            home.ensureCreated();
        } catch (IOException e) {
            throw new CliException("cannot create the home folder " + home.root() + ": " + e.getMessage());
        }
        String configured = Setting.AEGIS_CONFIG.from(context.env());
        Path file = configured != null ? AegisHome.expandTilde(configured) : home.configFile();
        try {
            return new ConfigLoader(context.env(), home).load(file, configured != null, ConfigOverrides.NONE);
        } catch (ConfigException e) {
            throw new CliException(e.getMessage());
        }
    }

    public static Database open(CliContext context) {
        AegisConfig config = config(context);
        try {
            return Database.open(config.storeUrl());
        } catch (StoreException e) {
            throw new CliException(e.getMessage());
        }
    }
}
