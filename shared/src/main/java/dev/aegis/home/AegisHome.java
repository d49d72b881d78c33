package dev.aegis.home;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Aegis home folder ({@code ~/.aegis} by default) and the well-known paths inside it.
 *
 * <p>Precedence: an explicit {@code --home} flag, then {@code AEGIS_HOME}, then {@code ~/.aegis}, where
 * {@code ~} is {@code $HOME} ({@link UserHome}).
 */
public record AegisHome(Path root) {

    public static final String ENV = "AEGIS_HOME";

    public AegisHome {
        root = root.toAbsolutePath().normalize();
    }

    /** Resolves the home folder from a flag value (may be null), the environment and the user's home. */
    public static AegisHome resolve(String flag, Map<String, String> env) {
        if (flag != null && !flag.isBlank()) {
            return new AegisHome(expandTilde(flag));
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new AegisHome(expandTilde(fromEnv));
        }
        return new AegisHome(UserHome.of(env).resolve(".aegis"));
    }

    /** Expands a leading {@code ~} to the user's home ({@code $HOME}), as a shell would. */
    public static Path expandTilde(String path) {
        if (path.equals("~")) {
            return UserHome.get();
        }
        if (path.startsWith("~/")) {
            return UserHome.get().resolve(path.substring(2));
        }
        return Path.of(path);
    }

    public Path configFile() {
        return root.resolve("aegis.yaml");
    }

    public Path database() {
        return root.resolve("aegis.db");
    }

    public Path daemonState() {
        return root.resolve("daemon.json");
    }

    public Path daemonLock() {
        return root.resolve("daemon.lock");
    }

    public Path logsDir() {
        return root.resolve("logs");
    }

    public Path daemonLog() {
        return logsDir().resolve("daemon.log");
    }

    /** Where the detached daemon's stdout and stderr go (JVM crashes, early failures). */
    public Path daemonOut() {
        return logsDir().resolve("daemon.out");
    }

    /**
     * How the CLI last launched the daemon's JVM (java, options, class path; one per line), which
     * the launcher script replays to start the next daemon beside the CLI (early launch).
     */
    public Path daemonLaunch() {
        return root.resolve("daemon.launch");
    }

    public Path receiptsDir() {
        return root.resolve("receipts");
    }

    public Path keysDir() {
        return root.resolve("keys");
    }

    /** Creates the home folder and its logs folder, owner-only (0700). */
    public AegisHome ensureCreated() throws IOException {
        SecureFiles.createPrivateDirectories(root);
        SecureFiles.createPrivateDirectories(logsDir());
        return this;
    }

    /** True when the home folder exists (or can be created) and is writable. */
    public boolean isWritable() {
        return Files.isDirectory(root) && Files.isWritable(root);
    }
}
