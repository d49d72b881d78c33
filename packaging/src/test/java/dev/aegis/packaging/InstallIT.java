package dev.aegis.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.fakeprovider.FakeProvider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user does, with the real install script and the installed launcher: install, start,
 * a call through it, status, stop; the bundled runtime, AOT caches, completion and the service
 * mode. Only the provider is fake.
 */
class InstallIT {

    private static final Path ROOT = Path.of(System.getProperty("aegis.projectRoot", ".."));

    @TempDir
    static Path installed;

    @TempDir
    Path temp;

    static Path prefix;
    static Path bin;
    static Path completions;
    static String installOutput;

    record Result(int code, String output) {}

    private static Result run(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(ROOT.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    @BeforeAll
    static void install() throws Exception {
        prefix = installed.resolve("share/aegis");
        bin = installed.resolve("bin");
        completions = installed.resolve("completions");
        Map<String, String> installEnv = Map.of("PREFIX", prefix.toString(), "BIN_DIR", bin.toString(),
                "COMPLETION_DIR", completions.toString());
        Result first = run(installEnv, "bash", "install.sh", "--no-build");
        assertThat(first.code()).as(first.output()).isZero();
        // Installing again upgrades in place (the runtime linked the first time is reused).
        Result again = run(installEnv, "bash", "install.sh", "--no-build");
        assertThat(again.code()).as(again.output()).isZero();
        installOutput = again.output();
    }

    private String aegis() {
        return bin.resolve("aegis").toString();
    }

    @Test
    void installStartCallStatusStop() throws Exception {
        assertThat(installOutput).contains("Installed Aegis in " + prefix).contains("is not on your PATH");
        assertThat(bin.resolve("aegis")).isExecutable();
        assertThat(prefix.resolve("lib")).isDirectory();

        try (FakeProvider fake = FakeProvider.start()) {
            String home = temp.resolve("home").toString();
            Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-install-test",
                    "AEGIS_OPENAI_BASE_URL", fake.baseUrl(), "AEGIS_HOME", home));
            if (Files.exists(prefix.resolve("aot/daemon.aot"))) {
                // The daemon refuses to start, rather than starting slowly, if its AOT cache is unusable.
                env.put("AEGIS_DAEMON_OPTS", "-XX:AOTMode=on");
            }
            try {
                Result start = run(env, aegis(), "start", "--port", "0");
                assertThat(start.code()).as(start.output()).isZero();
                Matcher m = Pattern.compile("running at (http://127\\.0\\.0\\.1:\\d+)").matcher(start.output());
                assertThat(m.find()).as(start.output()).isTrue();

                Result keygen = run(env, aegis(), "keygen", "--name", "install-test");
                assertThat(keygen.code()).as(keygen.output()).isZero();
                Matcher key = Pattern.compile("aegis_[a-z2-7]{12}_\\S{43}").matcher(keygen.output());
                assertThat(key.find()).isTrue();

                HttpResponse<String> call = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(m.group(1) + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + key.group())
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(call.statusCode()).isEqualTo(200);
                assertThat(call.body()).contains("Hello from the fake provider.");
                // The Prometheus text format, from the distribution's jars (without the protobuf format's).
                HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(m.group(1) + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body()).contains("# TYPE aegis_overhead_seconds");

                // The call is counted once its handler has returned, a moment after the client has the answer.
                Result status = run(env, aegis(), "status");
                for (int i = 0; i < 20 && !status.output().contains("1 served"); i++) {
                    status = run(env, aegis(), "status");
                }
                assertThat(status.code()).isZero();
                assertThat(status.output()).contains("Aegis is running at " + m.group(1)).contains("1 served");
            } finally {
                Result stop = run(env, aegis(), "stop");
                assertThat(stop.code()).as(stop.output()).isZero();
                assertThat(stop.output()).contains("Aegis stopped");
            }
            assertThat(run(env, aegis(), "status").output()).contains("not running");
            // Signed and verified with the distribution's (unsigned) BouncyCastle jar.
            Result verify = run(env, aegis(), "receipts", "verify");
            assertThat(verify.code()).as(verify.output()).isZero();
            assertThat(verify.output()).contains("Intact: 1 receipts");
            assertThat(Files.readString(Path.of(home, "logs", "daemon.log"))).contains("listening on").contains("stopped")
                    .doesNotContain("sk-install-test");

            // A second start: the launcher script starts the daemon's JVM at once, and the daemon
            // finishes the start alone, with no CLI JVM (docs/STARTUP.md); it says what the CLI says.
            try {
                Result again = run(env, aegis(), "start", "--port", "0");
                assertThat(again.code()).as(again.output()).isZero();
                assertThat(again.output()).containsPattern("^Aegis \\S+ is running at http://127\\.0\\.0\\.1:\\d+ \\(pid \\d+\\)\n"
                        + "  OpenAI clients: {4}export OPENAI_BASE_URL=http://127\\.0\\.0\\.1:\\d+/v1\n"
                        + "  Anthropic clients: export ANTHROPIC_BASE_URL=http://127\\.0\\.0\\.1:\\d+\n"
                        + "  Logs: .*daemon\\.log {3}Stop: aegis stop\n$");
                assertThat(Files.readString(Path.of(home, "logs", "daemon.log")))
                        .contains("started early, by the launcher script alone");
                Result running = run(env, aegis(), "start", "--port", "0");
                assertThat(running.code()).as(running.output()).isZero();
                assertThat(running.output()).contains("already running");
                // The early JVM of that start opened the running daemon's log too: to append, not to cut it.
                assertThat(Files.readString(Path.of(home, "logs", "daemon.log"))).doesNotContain("\0");
            } finally {
                assertThat(run(env, aegis(), "stop").code()).isZero();
            }
            assertThat(run(env, aegis(), "status").output()).contains("not running");
        }
    }

    @Test
    void theInstallBringsItsOwnRuntimeCachesAndCompletion() throws Exception {
        boolean jlink = Files.isExecutable(Path.of(System.getProperty("java.home"), "bin", "jlink"));
        if (jlink) {
            assertThat(installOutput).contains("with its own Java runtime").contains("Reusing the bundled Java runtime");
            if (Runtime.version().feature() >= 25) {
                assertThat(installOutput).contains("Reusing the AOT caches");
            }
            // No Java anywhere but the bundled one: the launcher still runs, on it.
            Result r = run(Map.of("JAVA_HOME", "/nonexistent", "PATH", "/usr/bin:/bin",
                            "AEGIS_JVM_DIR", Files.createDirectories(temp.resolve("nojvm")).toString(),
                            "AEGIS_CLI_OPTS", "-XshowSettings:properties"),
                    aegis(), "--version");
            assertThat(r.code()).as(r.output()).isZero();
            assertThat(r.output()).contains("java.home = " + prefix.toRealPath().resolve("runtime"))
                    .contains("aegis 0.1.0");
        }
        assertThat(Files.list(prefix.resolve("native")).map(p -> p.getFileName().toString()))
                .anyMatch(n -> n.contains("sqlitejdbc"));
        if (Runtime.version().feature() >= 25) {
            assertThat(prefix.resolve("aot/cli.aot")).isRegularFile();
            assertThat(prefix.resolve("aot/daemon.aot")).isRegularFile();
            // -XX:AOTMode=on makes the JVM fail instead of silently running without an unusable cache.
            Result r = run(Map.of("AEGIS_CLI_OPTS", "-XX:AOTMode=on"), aegis(), "--version");
            assertThat(r.code()).as(r.output()).isZero();
        }
        assertThat(Files.readString(completions.resolve("aegis"))).contains("complete -F _complete_aegis");
        assertThat(prefix.resolve("service/aegis.service")).isRegularFile();
        assertThat(prefix.resolve("service/dev.aegis.daemon.plist")).isRegularFile();
    }

    @Test
    void theServiceUnitsCommandRunsInTheForegroundAndStopsWithItsManager() throws Exception {
        String unit = Files.readString(prefix.resolve("service/aegis.service"));
        Matcher exec = Pattern.compile("(?m)^ExecStart=%h/\\.local/bin/aegis (.*)$").matcher(unit);
        assertThat(exec.find()).as(unit).isTrue();
        assertThat(exec.group(1)).isEqualTo("start --foreground");
        assertThat(Files.readString(prefix.resolve("service/dev.aegis.daemon.plist")))
                .contains("<string>start</string>\n    <string>--foreground</string>");

        String home = temp.resolve("svc-home").toString();
        Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-service", "AEGIS_HOME", home, "AEGIS_PORT", "0");
        ProcessBuilder pb = new ProcessBuilder(aegis(), "start", "--foreground").redirectErrorStream(true)
                .redirectOutput(temp.resolve("svc.out").toFile());
        pb.environment().putAll(env);
        Process service = pb.start();
        try {
            Result status = run(env, aegis(), "status");
            for (int i = 0; i < 300 && status.code() != 0 && service.isAlive(); i++) {
                Thread.sleep(100);
                status = run(env, aegis(), "status");
            }
            assertThat(status.code()).as(Files.readString(temp.resolve("svc.out"))).isZero();
            // One JVM: the process the service manager started is the daemon itself, with no CLI JVM waiting on it.
            assertThat(run(env, aegis(), "status", "--json").output()).contains("\"pid\":" + service.pid() + ",");
            assertThat(service.info().command()).hasValueSatisfying(c -> assertThat(c).endsWith("/java"));
            assertThat(service.children().toList()).isEmpty();

            // What systemd and launchd do to stop it: SIGTERM to the process they started.
            service.destroy();
            assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(service.exitValue()).isIn(0, 143);
            assertThat(run(env, aegis(), "status").output()).contains("not running");
            assertThat(Files.readString(temp.resolve("svc.out"))).contains("stopped");
        } finally {
            service.destroyForcibly();
        }
    }

    /**
     * What a daemon's start loads comes from its AOT cache (docs/STARTUP.md): the training daemon
     * waits for the start's background warm-ups (TLS, the receipt signer) before it writes the cache,
     * and no jar in lib/ is signed (the JVM keeps a signed jar's classes out of every cache, and
     * verifying one costs each start CPU).
     */
    @Test
    void theDaemonLoadsItsWarmUpsFromItsCacheAndNoJarIsSigned() throws Exception {
        try (Stream<Path> jars = Files.list(prefix.resolve("lib"))) {
            for (Path jar : jars.toList()) {
                try (JarFile f = new JarFile(jar.toFile(), false)) {
                    assertThat(f.stream().map(JarEntry::getName))
                            .as(jar.getFileName().toString())
                            .noneMatch(n -> n.startsWith("META-INF/") && (n.endsWith(".SF") || n.endsWith(".RSA")));
                }
            }
        }
        Assumptions.assumeTrue(Files.exists(prefix.resolve("aot/daemon.aot")), "no AOT cache (JDK < 25)");
        Path home = Files.createDirectories(temp.resolve("cache-home"));
        Path classes = temp.resolve("classes.log");
        Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-cache", "AEGIS_HOME", home.toString(), "AEGIS_PORT", "0",
                "AEGIS_DAEMON_OPTS", "-Xlog:class+load=info:file=" + classes);
        ProcessBuilder pb = new ProcessBuilder(aegis(), "start", "--foreground").redirectErrorStream(true)
                .redirectOutput(temp.resolve("cache.out").toFile());
        pb.environment().putAll(env);
        Process daemon = pb.start();
        String log = "";
        try {
            // The signer's warm-up runs last, after the daemon listens (and after TLS's has begun).
            for (int i = 0; i < 600 && !log.contains("receipts are signed with") && daemon.isAlive(); i++) {
                Thread.sleep(100);
                log = Files.readString(temp.resolve("cache.out"));
            }
            assertThat(log).contains("receipts are signed with");
            if (log.contains("aws-lc")) {
                // AWS-LC's library is the one install.sh extracted, not a copy its provider made in a temporary folder.
                String maps = Files.readString(Path.of("/proc", String.valueOf(daemon.pid()), "maps"));
                assertThat(maps).contains(prefix.toRealPath().resolve("native/libamazonCorrettoCryptoProvider.so").toString())
                        .doesNotContain("libamazonCorrettoCryptoProvider.so (deleted)");
            }
        } finally {
            daemon.destroy();
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        String loaded = Files.readString(classes);
        assertThat(sourceOf(loaded, "sun.security.ssl.SSLContextImpl")).isEqualTo("shared objects file");
        if (log.contains("aws-lc")) {
            assertThat(sourceOf(loaded, "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider"))
                    .isEqualTo("shared objects file");
        }
    }

    /**
     * An upgrade in place reuses the AOT caches only when they were built from the very same jars
     * (aot/jars). The JVM's own check let caches built from an older build's jars through (every jar
     * carries the build's fixed time), and the daemon ran the older classes they held: measured
     * 2026-12-05, a new Migrations class never ran after ./install.sh over the previous build.
     */
    @Test
    void anUpgradeWithOtherJarsBuildsNewCachesInsteadOfReusingTheOldOnes() throws Exception {
        Assumptions.assumeTrue(Files.exists(prefix.resolve("aot/jars")), "no AOT cache (JDK < 25)");
        Path upgrade = temp.resolve("upgrade");
        Path other = upgrade.resolve("share/aegis");
        Files.createDirectories(other.getParent());
        // A previous install whose caches were built from other jars: this one, with its record of them changed.
        assertThat(run(Map.of(), "cp", "-a", prefix.toString(), other.toString()).code()).isZero();
        Files.writeString(other.resolve("aot/jars"), "1234 5678 aegis-daemon-0.0.9.jar\n");
        Result r = run(Map.of("PREFIX", other.toString(), "BIN_DIR", upgrade.resolve("bin").toString(),
                "COMPLETION_DIR", upgrade.resolve("completions").toString()), "bash", "install.sh", "--no-build");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContain("Reusing the AOT caches").contains("Building AOT caches");
        assertThat(other.resolve("aot/jars")).hasContent(Files.readString(prefix.resolve("aot/jars")));
    }

    /**
     * install.sh's training daemon is launched the ordinary way; its stop rehearses the early
     * launch's code (EarlyLaunchRehearsal), so that a returning user's start, launched early and
     * finished by the daemon alone, finds those classes in the cache instead of loading, verifying
     * and linking them from the jars (≈ 15 ms of the main thread's CPU, docs/STARTUP.md).
     */
    @Test
    void anEarlyStartFindsTheEarlyLaunchCodeInTheCache() throws Exception {
        Assumptions.assumeTrue(Files.exists(prefix.resolve("aot/daemon.aot")), "no AOT cache (JDK < 25)");
        Path classes = temp.resolve("early-classes.log");
        try (FakeProvider fake = FakeProvider.start()) {
            Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-install-test",
                    "AEGIS_OPENAI_BASE_URL", fake.baseUrl(), "AEGIS_HOME", temp.resolve("early-home").toString(),
                    "AEGIS_DAEMON_OPTS", "-Xlog:class+load=info:file=" + classes));
            try {
                Result first = run(env, aegis(), "start", "--port", "0");
                assertThat(first.code()).as(first.output()).isZero();
            } finally {
                assertThat(run(env, aegis(), "stop").code()).isZero();
            }
            try {
                Result again = run(env, aegis(), "start", "--port", "0");
                assertThat(again.code()).as(again.output()).isZero();
                assertThat(Files.readString(temp.resolve("early-home/logs/daemon.log")))
                        .contains("started early, by the launcher script alone");
            } finally {
                assertThat(run(env, aegis(), "stop").code()).isZero();
            }
        }
        String loaded = Files.readString(classes);
        for (String c : new String[] {"dev.aegis.daemon.EarlyLaunch", "dev.aegis.daemon.StartAlone",
                "dev.aegis.control.DaemonJvm", "dev.aegis.control.StartMessage"}) {
            assertThat(sourceOf(loaded, c)).as(c).isEqualTo("shared objects file");
        }
    }

    /** Where the class+load log says a class came from ("shared objects file" is the AOT cache). */
    private static String sourceOf(String classLoadLog, String className) {
        Matcher m = Pattern.compile("\\] " + Pattern.quote(className) + " source: (.*)").matcher(classLoadLog);
        assertThat(m.find()).as(className + " was loaded").isTrue();
        return m.group(1).strip();
    }

    /**
     * Until the daemon's JVM is launched, a returning user's {@code aegis start} runs no command but
     * bash, readlink and setsid (docs/STARTUP.md: each one is 5–10 ms of a 2-core machine's start):
     * with nothing else on the PATH, the daemon still finishes the start alone. Before, the script
     * also ran dirname, cat, mktemp, mkfifo and rm on that path.
     */
    @Test
    void aReturningUsersStartRunsOnlyReadlinkAndSetsidBeforeTheDaemon() throws Exception {
        Path commands = Files.createDirectories(temp.resolve("path"));
        for (String c : new String[] {"bash", "readlink", "setsid"}) {
            Path found = Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, c)).filter(Files::isExecutable).findFirst()
                    .orElseThrow();
            Files.createSymbolicLink(commands.resolve(c), found);
        }
        try (FakeProvider fake = FakeProvider.start()) {
            String home = temp.resolve("home").toString();
            Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-install-test",
                    "AEGIS_OPENAI_BASE_URL", fake.baseUrl(), "AEGIS_HOME", home));
            try {
                Result first = run(env, aegis(), "start", "--port", "0");
                assertThat(first.code()).as(first.output()).isZero();
            } finally {
                assertThat(run(env, aegis(), "stop").code()).isZero();
            }
            env.put("PATH", commands.toString());
            try {
                Result again = run(env, aegis(), "start", "--port", "0");
                assertThat(again.code()).as(again.output()).isZero();
                assertThat(again.output()).containsPattern("^Aegis \\S+ is running at http://127\\.0\\.0\\.1:\\d+ \\(pid \\d+\\)\n");
                assertThat(Files.readString(Path.of(home, "logs", "daemon.log")))
                        .contains("started early, by the launcher script alone");

                // Started again: the early JVM is dismissed by the CLI through the pipe the script
                // passed it as /dev/fd/3. Had the CLI not inherited that descriptor, /dev/fd/3 would
                // name one of its own files (the runtime's lib/modules, its AOT cache) and the write
                // would destroy it.
                env.remove("PATH");
                Map<Path, String> files = new HashMap<>();
                for (Path f : new Path[] {prefix.resolve("runtime/lib/modules"), prefix.resolve("aot/cli.aot")}) {
                    if (Files.exists(f)) {
                        files.put(f, Files.size(f) + "@" + Files.getLastModifiedTime(f));
                    }
                }
                Result running = run(env, aegis(), "start", "--port", "0");
                assertThat(running.output()).contains("already running");
                for (Map.Entry<Path, String> f : files.entrySet()) {
                    assertThat(Files.size(f.getKey()) + "@" + Files.getLastModifiedTime(f.getKey())).as(f.getKey().toString())
                            .isEqualTo(f.getValue());
                }
            } finally {
                env.remove("PATH");
                assertThat(run(env, aegis(), "stop").code()).isZero();
            }
        }
    }

    @Test
    void launcherSaysSoWhenNoJavaFits() throws Exception {
        Path launcher = ROOT.resolve("packaging/target/aegis/bin/aegis");
        Path emptyJvmDir = Files.createDirectories(temp.resolve("jvm"));
        // /usr/bin's java (if any) is 17 on these machines or absent; JAVA_HOME points at nothing.
        Result r = run(Map.of("AEGIS_JVM_DIR", emptyJvmDir.toString(), "JAVA_HOME", "/nonexistent",
                        "PATH", "/usr/bin:/bin"),
                "/bin/bash", launcher.toString(), "--version");

        if (isJava21OnPath()) {
            assertThat(r.code()).isZero();
        } else {
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.output()).contains("no Java 21 or newer found").contains("AEGIS_JAVA");
        }
    }

    private boolean isJava21OnPath() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/java"))) {
            return false;
        }
        Result v = run(Map.of(), "/usr/bin/java", "-XshowSettings:properties", "-version");
        Matcher m = Pattern.compile("java\\.specification\\.version = (\\d+)").matcher(v.output());
        return m.find() && Integer.parseInt(m.group(1)) >= 21;
    }
}
