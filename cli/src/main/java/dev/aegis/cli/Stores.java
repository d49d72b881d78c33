package dev.aegis.cli;

import dev.aegis.config.AegisConfig;
import dev.aegis.config.ConfigException;
import dev.aegis.home.AegisHome;
import dev.aegis.store.Database;
import dev.aegis.store.StoreException;
import java.io.IOException;

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
        ConfigCheck check = ConfigCheck.of(context, ConfigCheck.daemonConfigFile(context), ConfigCheck.daemonConfigRequired(context));
        if (!check.valid()) {
            throw new CliException(new ConfigException(check.file().toString(), check.errors()).getMessage());
        }
        return check.config();
    }

    public static Database open(CliContext context) {
        AegisConfig config = config(context);
        try {
            return Database.open(config.storeUrl(), Database.PageCache.REPORTS, config.storeConnectionTimeout());
        } catch (StoreException e) {
            throw new CliException(e.getMessage());
        }
    }
}
