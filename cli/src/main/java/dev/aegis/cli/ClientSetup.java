package dev.aegis.cli;

import dev.aegis.cli.daemon.DaemonLocator;
import dev.aegis.cli.daemon.DaemonStatus;
import dev.aegis.config.AegisConfig;
import dev.aegis.control.DaemonState;

/** Where clients should point: the running daemon's URL, or the one the config would give it. */
public final class ClientSetup {

    /** The variable `init codex` and `env claude` read the Aegis key from. */
    public static final String KEY_VARIABLE = "AEGIS_API_KEY";

    private ClientSetup() {}

    public static String baseUrl(CliContext context) {
        DaemonStatus status = new DaemonLocator(context.home()).locate();
        if (status.running()) {
            DaemonState s = status.state().orElseThrow();
            String host = s.host().equals("0.0.0.0") ? "127.0.0.1" : s.host();
            return "http://" + host + ":" + s.port();
        }
        AegisConfig config = Stores.config(context);
        String host = config.server().host().equals("0.0.0.0") ? "127.0.0.1" : config.server().host();
        return "http://" + host + ":" + config.server().port();
    }
}
