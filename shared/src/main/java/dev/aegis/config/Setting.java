package dev.aegis.config;

import java.util.Map;

/** Every environment variable Aegis reads, with its default and meaning: the one place they are listed. */
public enum Setting {
    AEGIS_HOME(null, "home folder (default ~/.aegis)"),
    AEGIS_CONFIG(null, "config file (default $AEGIS_HOME/aegis.yaml)"),
    AEGIS_PORT(null, "listen port; wins over PORT and the file"),
    PORT(null, "listen port, for hosts that set PORT"),
    OPENAI_API_KEY(null, "the real OpenAI key, injected into calls to the openai provider"),
    ANTHROPIC_API_KEY(null, "the real Anthropic key, injected into calls to the anthropic provider"),
    AEGIS_OPENAI_BASE_URL("https://api.openai.com/v1", "where the built-in openai provider points"),
    AEGIS_ANTHROPIC_BASE_URL("https://api.anthropic.com", "where the built-in anthropic provider points"),
    AEGIS_DEFAULT_PROVIDER("openai", "provider for models no route or alias names ('none' refuses them)"),
    AEGIS_GOVERNANCE_ENABLED("false", "enforce budgets and rate limits"),
    AEGIS_DEFAULT_POLICY_JSON(null, "default governance policy as JSON"),
    AEGIS_AUDIT_ENABLED("true", "write signed receipts"),
    AEGIS_AUDIT_DIR(null, "receipts folder (default $AEGIS_HOME/receipts)"),
    AEGIS_STORE_URL(null, "the store's JDBC URL, over store.url: jdbc:sqlite:FILE or jdbc:postgresql://HOST:PORT/DB (docs/TEAM.md)"),
    AEGIS_STREAM_INCLUDE_USAGE("false", "show clients the usage chunk Aegis asks for on chat streams"),
    AEGIS_DAEMON_OPTS(null, "extra JVM options for the daemon process started by 'aegis start'"),
    AEGIS_START_TIMEOUT("15s", "how long 'aegis start' waits for the daemon to answer /healthz");

    private final String defaultValue;
    private final String meaning;

    Setting(String defaultValue, String meaning) {
        this.defaultValue = defaultValue;
        this.meaning = meaning;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String meaning() {
        return meaning;
    }

    /** The value in the environment, or null when unset or blank. */
    public String from(Map<String, String> env) {
        String v = env.get(name());
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** The value in the environment, or this setting's default. */
    public String orDefault(Map<String, String> env) {
        String v = from(env);
        return v != null ? v : defaultValue;
    }
}
