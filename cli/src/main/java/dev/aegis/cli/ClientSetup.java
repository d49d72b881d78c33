package dev.aegis.cli;

import dev.aegis.cli.daemon.DaemonLocator;
import dev.aegis.cli.daemon.DaemonStatus;
import dev.aegis.config.AegisConfig;
import dev.aegis.control.DaemonState;
import java.util.regex.Pattern;

/** Where clients should point: the running daemon's URL, or the one the config would give it. */
public final class ClientSetup {

    /** The variable `init codex` and `env claude` read the Aegis key from. */
    public static final String KEY_VARIABLE = "AEGIS_API_KEY";

    /** What a key given with {@code --key} may hold: an Aegis key's characters, or a token's (JWT, base64url). */
    private static final Pattern KEY_TEXT = Pattern.compile("[A-Za-z0-9._-]{1,4096}");

    private ClientSetup() {}

    /**
     * A key given on the command line to be printed into shell code a user evaluates ({@code eval "$(aegis env
     * claude --key K)"}): only an Aegis key's or a token's characters, so nothing in it is code to the shell.
     */
    public static String keyForShell(String key) {
        if (!KEY_TEXT.matcher(key).matches()) {
            throw CliException.usage("--key holds characters no Aegis key or token has (only A-Z a-z 0-9 . _ -): it is"
                    + " printed into shell code, so it is refused");
        }
        return key;
    }

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
