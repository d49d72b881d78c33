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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user does, with the real install script and the installed launcher: install, start,
 * a call through it, status, stop. Only the provider is fake.
 */
class InstallIT {

    private static final Path ROOT = Path.of(System.getProperty("aegis.projectRoot", ".."));

    @TempDir
    Path temp;

    record Result(int code, String output) {}

    private Result run(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(ROOT.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    @Test
    void installStartCallStatusStop() throws Exception {
        Path prefix = temp.resolve("share/aegis");
        Path bin = temp.resolve("bin");
        Map<String, String> installEnv = Map.of("PREFIX", prefix.toString(), "BIN_DIR", bin.toString());
        Result install = run(installEnv, "bash", "install.sh", "--no-build");
        assertThat(install.code()).as(install.output()).isZero();
        assertThat(install.output()).contains("Installed Aegis in " + prefix).contains("is not on your PATH");
        assertThat(bin.resolve("aegis")).isExecutable();

        // Installing again upgrades in place.
        assertThat(run(installEnv, "bash", "install.sh", "--no-build").code()).isZero();
        assertThat(prefix.resolve("lib")).isDirectory();

        try (FakeProvider fake = FakeProvider.start()) {
            String aegis = bin.resolve("aegis").toString();
            String home = temp.resolve("home").toString();
            Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-install-test", "AEGIS_OPENAI_BASE_URL", fake.baseUrl(),
                    "AEGIS_HOME", home);
            try {
                Result start = run(env, aegis, "start", "--port", "0");
                assertThat(start.code()).as(start.output()).isZero();
                Matcher m = Pattern.compile("running at (http://127\\.0\\.0\\.1:\\d+)").matcher(start.output());
                assertThat(m.find()).as(start.output()).isTrue();

                Result keygen = run(env, aegis, "keygen", "--name", "install-test");
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

                // The call is counted once its handler has returned, a moment after the client has the answer.
                Result status = run(env, aegis, "status");
                for (int i = 0; i < 20 && !status.output().contains("1 served"); i++) {
                    status = run(env, aegis, "status");
                }
                assertThat(status.code()).isZero();
                assertThat(status.output()).contains("Aegis is running at " + m.group(1)).contains("1 served");
            } finally {
                Result stop = run(env, aegis, "stop");
                assertThat(stop.code()).as(stop.output()).isZero();
                assertThat(stop.output()).contains("Aegis stopped");
            }
            assertThat(run(env, aegis, "status").output()).contains("not running");
            assertThat(Files.readString(Path.of(home, "logs", "daemon.log"))).contains("listening on").contains("stopped")
                    .doesNotContain("sk-install-test");
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
