package dev.aegis.cli;

import dev.aegis.config.AegisConfig;
import dev.aegis.config.ConfigException;
import dev.aegis.config.ConfigLoader;
import dev.aegis.keys.ApiKeys;
import dev.aegis.store.Database;
import dev.aegis.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Opens the database the daemon uses (the config's {@code store.url}), so commands work with or without it running. */
public final class Stores {

    private Stores() {}

    /** The config the daemon would use (file and environment), for the settings commands need. Creates nothing. */
    public static AegisConfig config(CliContext context) {
        ConfigCheck check = check(context);
        if (!check.valid()) {
            throw invalid(check);
        }
        return check.config();
    }

    /**
     * The database. A command that reads or changes what is recorded (usage, keys, credits, receipts) never
     * creates a home: a mistyped {@code --home} or {@code AEGIS_HOME} says so instead of leaving an empty home
     * behind and reporting nothing. When the config file has errors outside its {@code store:} section, its
     * store settings alone are used, with a warning: revoking a key, minting one or reading usage must not wait
     * for a typo elsewhere (the running daemon keeps its last good config meanwhile).
     */
    public static Database open(CliContext context) {
        return open(context, false);
    }

    /** The database, creating the home if there is none yet: for the commands that mint keys. */
    public static Database create(CliContext context) {
        try {
            context.home().ensureCreated();
        } catch (IOException e) {
            throw new CliException("cannot create the home folder " + context.home().root() + ": " + e.getMessage());
        }
        return open(context, true);
    }

    private static Database open(CliContext context, boolean create) {
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
        Path file = Database.file(store.url());
        Path home = context.home().root();
        if (!create && file != null && file.toAbsolutePath().startsWith(home.toAbsolutePath()) && !Files.isDirectory(home)) {
            throw new CliException("no Aegis home at " + home + ": nothing is recorded there (is --home or AEGIS_HOME"
                    + " mistyped? `aegis keygen` or `aegis start` creates a home)");
        }
        try {
            return Database.open(store.url(), Database.PageCache.REPORTS, store.connectionTimeout());
        } catch (StoreException e) {
            throw new CliException(StoreFailures.message(e));
        }
    }

    /**
     * The config with this shell's environment, but for the variables holding an Aegis key: the README has
     * clients export the Aegis key as {@code OPENAI_API_KEY}, which the daemon would refuse as its provider key, and
     * a command that needs only the config's settings (not a provider key) must not warn of an error in a file that
     * is the daemon's concern in the daemon's environment.
     */
    private static ConfigCheck check(CliContext context) {
        Map<String, String> env = new java.util.HashMap<>(context.env());
        env.values().removeIf(v -> v.startsWith(ApiKeys.PREFIX));
        CliContext settings = context.withEnv(env);
        return ConfigCheck.of(settings, ConfigCheck.daemonConfigFile(settings), ConfigCheck.daemonConfigRequired(settings));
    }

    private static CliException invalid(ConfigCheck check) {
        return new CliException(new ConfigException(check.file().toString(), check.errors()).getMessage());
    }
}
