package dev.aegis.cli;

import dev.aegis.config.AegisConfig;
import dev.aegis.config.ConfigException;
import dev.aegis.config.ConfigLoader;
import dev.aegis.home.AegisHome;
import dev.aegis.store.Database;
import dev.aegis.store.StoreException;
import java.io.IOException;
import java.util.Map;

/** Opens the database the daemon uses (the config's {@code store.url}), so commands work with or without it running. */
public final class Stores {

    private Stores() {}

    /** The config the daemon would use (file and environment), for the settings commands need. */
    public static AegisConfig config(CliContext context) {
        ConfigCheck check = check(context);
        if (!check.valid()) {
            throw invalid(check);
        }
        return check.config();
    }

    /**
     * The database. When the config file has errors outside its {@code store:} section, its store settings alone
     * are used, with a warning: revoking a key, minting one or reading usage must not wait for a typo elsewhere
     * (the running daemon keeps its last good config meanwhile).
     */
    public static Database open(CliContext context) {
        ConfigCheck check = check(context);
        ConfigLoader.StoreLocation store;
        if (check.valid()) {
            store = new ConfigLoader.StoreLocation(check.config().storeUrl(), check.config().storeConnectionTimeout());
        } else {
            try {
                store = new ConfigLoader(Map.copyOf(context.env()), context.home())
                        .storeOnly(check.file(), ConfigCheck.daemonConfigRequired(context));
            } catch (ConfigException e) {
                throw invalid(check); // its store settings cannot be read either
            }
            context.err().println("aegis: warning: " + check.file() + " has errors (`aegis config check` lists them); this"
                    + " command uses its store settings only");
        }
        try {
            return Database.open(store.url(), Database.PageCache.REPORTS, store.connectionTimeout());
        } catch (StoreException e) {
            throw new CliException(e.getMessage());
        }
    }

    private static ConfigCheck check(CliContext context) {
        AegisHome home = context.home();
        try {
            home.ensureCreated();
        } catch (IOException e) {
            throw new CliException("cannot create the home folder " + home.root() + ": " + e.getMessage());
        }
        return ConfigCheck.of(context, ConfigCheck.daemonConfigFile(context), ConfigCheck.daemonConfigRequired(context));
    }

    private static CliException invalid(ConfigCheck check) {
        return new CliException(new ConfigException(check.file().toString(), check.errors()).getMessage());
    }
}
