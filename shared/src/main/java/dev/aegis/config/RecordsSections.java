package dev.aegis.config;

import dev.aegis.home.AegisHome;
import dev.aegis.store.Database;
import dev.aegis.store.Dialect;
import dev.aegis.store.StoreUrls;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Reads the sections about records: {@code store}, {@code pricing} and {@code audit}. */
final class RecordsSections {

    private RecordsSections() {}

    /**
     * The store's JDBC URL: SQLite (the default, a file in the home) or PostgreSQL (team mode,
     * docs/TEAM.md). {@code AEGIS_STORE_URL} wins over {@code store.url}; {@code store.password_env}
     * names the environment variable holding the PostgreSQL password, so the file need not.
     */
    static String store(ConfigNode n, Map<String, String> env, AegisHome home) {
        n.expectObject();
        n.rejectUnknownKeys(Set.of("url", "password_env", "connection_timeout"));
        String fromEnv = Setting.AEGIS_STORE_URL.from(env);
        String url = fromEnv != null ? fromEnv : n.child("url").text(null);
        String passwordEnv = n.child("password_env").text(null);
        if (url == null) {
            if (passwordEnv != null) {
                n.child("password_env").error("is for a jdbc:postgresql: store.url; the default store is SQLite");
            }
            return Database.defaultUrl(home);
        }
        Dialect dialect = Dialect.of(url);
        if (dialect == null) {
            String message = "must be a jdbc:sqlite: or jdbc:postgresql: URL, not '" + StoreUrls.redacted(url) + "'";
            if (fromEnv != null) {
                n.error(Setting.AEGIS_STORE_URL.name() + " " + message);
            } else {
                n.child("url").error(message);
            }
            return Database.defaultUrl(home);
        }
        if (dialect == Dialect.SQLITE) {
            if (passwordEnv != null) {
                n.child("password_env").error("is for a jdbc:postgresql: store.url, not SQLite");
            }
            return "jdbc:sqlite:" + AegisHome.expandTilde(url.substring("jdbc:sqlite:".length()));
        }
        if (passwordEnv != null) {
            String password = env.get(passwordEnv);
            if (password == null || password.isEmpty()) {
                n.child("password_env").error("names " + passwordEnv + ", which is not set");
                return url;
            }
            return StoreUrls.withPassword(url, password);
        }
        return url;
    }

    /**
     * {@code store.connection_timeout}: how long a call or a record writer waits for a free
     * PostgreSQL connection before the database counts as unavailable (a call then gets 503
     * {@code store_unavailable}). SQLite has no pool to wait for.
     */
    static Duration storeConnectionTimeout(ConfigNode n, String storeUrl) {
        ConfigNode t = n.child("connection_timeout");
        Duration timeout = t.duration(Database.CONNECTION_TIMEOUT);
        if (!t.isMissing() && Dialect.of(storeUrl) != Dialect.POSTGRESQL) {
            t.error("is for a jdbc:postgresql: store.url; the default store is SQLite");
        } else if (timeout.toMillis() < MIN_CONNECTION_TIMEOUT.toMillis() || timeout.compareTo(MAX_CONNECTION_TIMEOUT) > 0) {
            t.error("must be between 250ms and 60s, not " + t.text(null));
            return Database.CONNECTION_TIMEOUT;
        }
        return timeout;
    }

    /** Hikari's own floor is 250 ms; past a minute a caller has long given up. */
    private static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);
    private static final Duration MAX_CONNECTION_TIMEOUT = Duration.ofSeconds(60);

    static PricingConfig pricing(ConfigNode n) {
        n.expectObject();
        n.rejectUnknownKeys(Set.of("unknown", "file", "overrides"));
        String unknown = n.child("unknown").text("allow");
        if (!unknown.equals("allow") && !unknown.equals("refuse")) {
            n.child("unknown").error("must be allow or refuse, not '" + unknown + "'");
        }
        String file = n.child("file").text(null);
        Path path = file == null ? null : AegisHome.expandTilde(file);
        if (path != null && !Files.isReadable(path)) {
            n.child("file").error("cannot read " + path);
        }
        Map<String, PricingConfig.PriceOverride> overrides = new LinkedHashMap<>();
        ConfigNode o = n.child("overrides");
        if (o.expectObject()) {
            for (Map.Entry<String, ConfigNode> e : o.entries()) {
                ConfigNode m = e.getValue();
                m.expectObject();
                m.rejectUnknownKeys(Set.of("input", "cached_input", "cache_write", "output"));
                BigDecimal input = m.child("input").decimal(null);
                BigDecimal output = m.child("output").decimal(null);
                if (input == null || output == null) {
                    m.error("needs at least input and output (USD per million tokens)");
                    continue;
                }
                overrides.put(e.getKey(), new PricingConfig.PriceOverride(input, m.child("cached_input").decimal(null),
                        m.child("cache_write").decimal(null), output));
            }
        }
        return new PricingConfig("refuse".equals(unknown), path, overrides);
    }

    static AuditConfig audit(ConfigNode n, Map<String, String> env, AegisHome home) {
        n.expectObject();
        n.rejectUnknownKeys(Set.of("receipts", "dir", "prompt_log", "max_backlog"));
        boolean receipts = n.child("receipts").bool(true);
        String fromEnv = Setting.AEGIS_AUDIT_ENABLED.from(env);
        if (fromEnv != null) {
            receipts = Boolean.parseBoolean(fromEnv);
        }
        String dir = Setting.AEGIS_AUDIT_DIR.from(env);
        if (dir == null) {
            dir = n.child("dir").text(null);
        }
        int maxBacklog = n.child("max_backlog").integer(AuditConfig.DEFAULT_MAX_BACKLOG, 1, 10_000_000);
        return new AuditConfig(receipts, dir == null ? home.receiptsDir() : AegisHome.expandTilde(dir),
                promptLog(n.child("prompt_log")), maxBacklog);
    }

    private static PromptLogConfig promptLog(ConfigNode n) {
        if (n.isMissing()) {
            return PromptLogConfig.DEFAULT;
        }
        n.expectObject();
        n.rejectUnknownKeys(Set.of("enabled", "preview_chars", "max_entries"));
        PromptLogConfig d = PromptLogConfig.DEFAULT;
        return new PromptLogConfig(n.child("enabled").bool(d.enabled()),
                n.child("preview_chars").integer(d.previewChars(), 1, 100_000),
                n.child("max_entries").integer(d.maxEntries(), 1, 10_000_000));
    }
}
