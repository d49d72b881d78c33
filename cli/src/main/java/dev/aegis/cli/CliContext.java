package dev.aegis.cli;

import dev.aegis.home.AegisHome;
import java.io.PrintWriter;
import java.util.Map;

/** What every command needs from its surroundings: output streams, the environment, the home folder. */
public final class CliContext {

    private final PrintWriter out;
    private final PrintWriter err;
    private final Map<String, String> env;
    private String homeFlag;

    public CliContext(PrintWriter out, PrintWriter err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    public Map<String, String> env() {
        return env;
    }

    void homeFlag(String home) {
        this.homeFlag = home;
    }

    /** The same context (streams, {@code --home}) with another environment. */
    public CliContext withEnv(Map<String, String> other) {
        CliContext c = new CliContext(out, err, other);
        c.homeFlag = homeFlag;
        return c;
    }

    public AegisHome home() {
        return AegisHome.resolve(homeFlag, env);
    }
}
