package dev.aegis.cli.run;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts the agent of {@code aegis run} under bubblewrap ({@code bwrap}) so that it cannot read what
 * Aegis keeps from it: the Aegis home (receipt key, JWT secret, control token, database) lies under an
 * empty read-only tmpfs, and the agent gets its own PID namespace and a fresh {@code /proc}, so the
 * daemon's process (its environment holds the provider keys) is not visible. Everything else stays as
 * it was: the whole file system (project files, {@code ~/.codex}, {@code ~/.claude}), devices, the
 * network (the daemon is reached over loopback), the environment and the working directory.
 */
public final class Bubblewrap {

    /** Why the agent cannot be isolated here (bwrap missing, or it cannot create namespaces). */
    public static final class Unavailable extends Exception {
        public Unavailable(String reason) {
            super(reason);
        }
    }

    private static final long PROBE_SECONDS = 10;

    private final Path executable;
    private final List<Path> hidden;

    private Bubblewrap(Path executable, List<Path> hidden) {
        this.executable = executable;
        this.hidden = hidden;
    }

    /**
     * A sandbox hiding the given folders (an empty tmpfs over each) and files (an empty file over each),
     * once a quick run of exactly that sandbox shows bwrap works here.
     *
     * @param path the {@code PATH} to look for {@code bwrap} in
     */
    public static Bubblewrap find(String path, List<Path> hide) throws Unavailable {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            throw new Unavailable("isolation needs bubblewrap, which runs on Linux only");
        }
        Path exe = onPath(path);
        if (exe == null) {
            throw new Unavailable("bwrap is not installed (Debian/Ubuntu package bubblewrap)");
        }
        Bubblewrap bwrap = new Bubblewrap(exe, existing(hide));
        bwrap.probe();
        return bwrap;
    }

    /** The paths this sandbox hides (existing ones, real paths, nothing under a folder already hidden). */
    public List<Path> hidden() {
        return hidden;
    }

    /** The hidden folder that {@code path} is (or lies inside), if any: the agent would find it empty. */
    public Optional<Path> hiding(Path path) {
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            real = path.toAbsolutePath().normalize();
        }
        Path r = real;
        return hidden.stream().filter(h -> Files.isDirectory(h) && r.startsWith(h)).findFirst();
    }

    /** The command line that runs {@code command} in the sandbox; bwrap exits with the command's exit code. */
    public List<String> wrap(List<String> command) {
        List<String> args = new ArrayList<>(List.of(executable.toString(),
                "--dev-bind", "/", "/",
                "--unshare-pid", "--proc", "/proc",
                "--die-with-parent"));
        for (Path p : hidden) {
            if (Files.isDirectory(p)) {
                args.addAll(List.of("--tmpfs", p.toString(), "--remount-ro", p.toString()));
            } else {
                args.addAll(List.of("--ro-bind", "/dev/null", p.toString()));
            }
        }
        args.add("--");
        args.addAll(command);
        return args;
    }

    /** Runs {@code true} in this very sandbox: user namespaces may be switched off or restricted. */
    private void probe() throws Unavailable {
        try {
            Process p = new ProcessBuilder(wrap(List.of("true"))).redirectErrorStream(true)
                    .redirectInput(Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new Unavailable("bwrap did not finish a test run within " + PROBE_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                String first = said.isEmpty() ? "exit code " + p.exitValue() : said.lines().findFirst().orElseThrow();
                throw new Unavailable("bwrap cannot create a sandbox here (" + first + ")");
            }
        } catch (IOException e) {
            throw new Unavailable("cannot start " + executable + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while testing bwrap");
        }
    }

    private static Path onPath(String path) {
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "bwrap");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        return null;
    }

    /** Real paths (a symlinked home is hidden where it really is), parents first, covered ones dropped. */
    private static List<Path> existing(List<Path> hide) {
        List<Path> real = new ArrayList<>();
        for (Path p : hide) {
            try {
                real.add(p.toRealPath());
            } catch (IOException e) {
                // Not there: nothing to hide.
            }
        }
        real.sort(Comparator.comparingInt(Path::getNameCount));
        List<Path> kept = new ArrayList<>();
        for (Path p : real) {
            if (kept.stream().noneMatch(p::startsWith)) {
                kept.add(p);
            }
        }
        return List.copyOf(kept);
    }

    @Override
    public String toString() {
        return "Bubblewrap[" + executable + ", hides " + hidden + "]";
    }
}
