package dev.aegis.home;

import java.nio.file.Path;
import java.util.Map;

/**
 * The user's home folder as every command-line tool finds it: {@code $HOME} when it is set, the
 * account's home from the password database (the JVM's {@code user.home}) only when it is not.
 * A user who runs {@code HOME=/tmp/h aegis start} means {@code /tmp/h/.aegis}.
 */
public final class UserHome {

    private UserHome() {}

    /** {@code $HOME} of this process, else {@code user.home}. */
    public static Path get() {
        return of(System.getenv());
    }

    /** {@code HOME} from an environment, else {@code user.home}. */
    public static Path of(Map<String, String> env) {
        String home = env.get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
    }
}
