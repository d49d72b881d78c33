package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.control.DaemonProcess;
import dev.aegis.control.DaemonState;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.control.StartMessage;
import dev.aegis.home.AegisHome;
import java.io.BufferedReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Early launch (docs/STARTUP.md) as the launcher script does it: a daemon JVM started from the
 * home's {@code daemon.launch} with an instance id and {@code start}'s own flags, its standard
 * input a pipe the CLI writes to, announced to the CLI in the environment.
 */
class EarlyLaunchIT {

    @TempDir
    Path temp;

    FakeProvider fake;
    Map<String, String> env;
    Path home;
    Process early;
    OutputStream scriptEnd;

    @BeforeEach
    void setUp() {
        fake = FakeProvider.start();
        home = temp.resolve("home");
        env = new HashMap<>(Map.of(
                "OPENAI_API_KEY", "sk-provider-early-test",
                "AEGIS_OPENAI_BASE_URL", fake.baseUrl(),
                "AEGIS_HOME", home.toString(),
                "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
    }

    @AfterEach
    void tearDown() throws Exception {
        CliRun.run(env, "stop", "--timeout", "2s");
        if (scriptEnd != null) {
            scriptEnd.close();
        }
        if (early != null) {
            early.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        fake.close();
    }

    /** A first, ordinary start leaves {@code daemon.launch} behind, as for a user's second start. */
    private void startAndStopOnce() {
        CliRun first = CliRun.run(env, "start", "--port", "0");
        assertThat(first.exitCode()).as(first.all()).isZero();
        assertThat(home.resolve("daemon.launch")).isNotEmptyFile();
        assertThat(CliRun.run(env, "stop").exitCode()).isZero();
        try {
            logLinesBefore = Files.readAllLines(home.resolve("logs/daemon.log")).size();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The daemon log's lines after the first start and stop (the log is appended to, never cut). */
    private long logLinesBefore;

    /** What bin/aegis does: replay daemon.launch with the instance and start's flags, stdin a pipe. */
    private Map<String, String> launchEarly(String instance, String... startFlags) throws Exception {
        return launchEarly(List.of(), instance, startFlags);
    }

    /**
     * As bin/aegis does when no daemon.json is there: also offers the daemon to finish the start
     * alone, with what the CLI would build its launch from (the java and the class path this test's
     * in-process CLI runs on), and a pipe to answer on.
     */
    private CompletableFuture<List<String>> launchOfferingToStartAlone(String instance, String... startFlags)
            throws Exception {
        Path reply = temp.resolve("reply-" + instance);
        assertThat(new ProcessBuilder("mkfifo", reply.toString()).start().waitFor()).isZero();
        CompletableFuture<List<String>> answer = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader in = Files.newBufferedReader(reply)) {
                List<String> lines = new ArrayList<>();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                    if (lines.getFirst().equals("cli") || line.equals(".")) {
                        break;
                    }
                }
                return lines;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, work -> Thread.ofPlatform().daemon().start(work)); // not the common pool: launchEarly's writer needs it
        List<String> launch = Files.readAllLines(home.resolve("daemon.launch"));
        String java = launch.getFirst();
        String classPath = launch.get(launch.indexOf("-cp") + 1);
        launchEarly(List.of("-Daegis.early.reply=" + reply, "-Daegis.early.java=" + java,
                "-Daegis.early.classPath=" + classPath, "-Daegis.daemon.jvmOptions="), instance, startFlags);
        return answer;
    }

    private Map<String, String> launchEarly(List<String> scriptProperties, String instance, String... startFlags)
            throws Exception {
        Path pipe = temp.resolve("pipe-" + instance);
        assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
        List<String> cmd = new ArrayList<>(Files.readAllLines(home.resolve("daemon.launch")));
        cmd.addAll(scriptProperties);
        cmd.addAll(List.of(DaemonProcess.MAIN_CLASS, DaemonProcess.ARGUMENTS_FROM_STDIN, "--instance", instance));
        cmd.addAll(List.of(startFlags));
        // The script keeps the pipe's writing end open until its CLI ends: so does this test.
        CompletableFuture<OutputStream> writer = CompletableFuture.supplyAsync(() -> {
            try {
                return new FileOutputStream(pipe.toFile());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(pipe.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("logs/daemon.out").toFile()))
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        early = pb.start();
        scriptEnd = writer.get(30, TimeUnit.SECONDS);
        Map<String, String> announced = new HashMap<>(env);
        announced.put("AEGIS_EARLY_DAEMON_PID", Long.toString(early.pid()));
        announced.put("AEGIS_EARLY_DAEMON_PIPE", pipe.toString());
        announced.put("AEGIS_EARLY_DAEMON_HOME", home.toString());
        announced.put("AEGIS_EARLY_DAEMON_INSTANCE", instance);
        return announced;
    }

    private DaemonState state() {
        return new DaemonStateFile(home.resolve("daemon.json")).read().orElseThrow();
    }

    /** How many starts the daemon log has had since {@link #startAndStopOnce}. */
    private long startsLogged() throws IOException {
        return Files.readAllLines(home.resolve("logs/daemon.log")).stream().skip(logLinesBefore)
                .filter(l -> l.contains(" listening on ")).count();
    }

    @Test
    void theEarlyDaemonStartedOnStartsOwnFlagsIsTheOneTheCliStarts() throws Exception {
        startAndStopOnce();
        Map<String, String> announced = launchEarly("early-same", "--port", "0");

        CliRun start = CliRun.run(announced, "start", "--port", "0");

        assertThat(start.exitCode()).as(start.all()).isZero();
        assertThat(start.out()).contains("is running at").doesNotContain("already running");
        assertThat(state().instance()).isEqualTo("early-same");
        assertThat(state().pid()).isEqualTo(early.pid());
        // It started once, on the guessed flags, and kept running when the CLI's arguments matched.
        assertThat(startsLogged()).isEqualTo(1);
    }

    @Test
    void whenTheCliDecidesOtherwiseTheEarlyDaemonRestartsOnTheCliArguments() throws Exception {
        startAndStopOnce();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // What it guessed from the script's flags (any free port) is not what the CLI decides (this port).
        Map<String, String> announced = launchEarly("early-other", "--port", "0");

        CliRun start = CliRun.run(announced, "start", "--port", Integer.toString(port));

        assertThat(start.exitCode()).as(start.all()).isZero();
        assertThat(state().instance()).isEqualTo("early-other");
        assertThat(state().port()).isEqualTo(port);
        assertThat(state().pid()).isEqualTo(early.pid());
        assertThat(startsLogged()).as("the guessed start, then the CLI's").isEqualTo(2);
    }

    @Test
    void flagsTheDaemonDoesNotReadItselfWaitForTheCliArguments() throws Exception {
        startAndStopOnce();
        // `--port=N` and `--wait` are the CLI's to read: the early daemon starts only on the CLI's arguments.
        Map<String, String> announced = launchEarly("early-waiting", "--port=0", "--wait", "60s");

        CliRun start = CliRun.run(announced, "start", "--port=0", "--wait", "60s");

        assertThat(start.exitCode()).as(start.all()).isZero();
        assertThat(state().instance()).isEqualTo("early-waiting");
        assertThat(state().pid()).isEqualTo(early.pid());
        assertThat(Files.readString(home.resolve("logs/daemon.log"))).contains("waiting for the CLI");
    }

    @Test
    void aDaemonAlreadyRunningLeavesTheEarlyOneNothingToDo() throws Exception {
        startAndStopOnce();
        CliRun running = CliRun.run(env, "start", "--port", "0");
        assertThat(running.exitCode()).as(running.all()).isZero();
        DaemonState first = state();
        Map<String, String> announced = launchEarly("early-unneeded", "--port", "0");

        CliRun again = CliRun.run(announced, "start", "--port", "0");
        scriptEnd.close(); // the CLI ends, and with it the pipe's writing end

        assertThat(again.out()).contains("already running");
        assertThat(early.waitFor(30, TimeUnit.SECONDS)).as("the early JVM exits").isTrue();
        assertThat(early.exitValue()).isZero();
        assertThat(state()).isEqualTo(first);
        assertThat(Files.readString(home.resolve("logs/daemon.out"))).doesNotContain(DaemonProcess.FAILURE_PREFIX);
    }

    @Test
    void anEarlyDaemonLaunchedUnlikeTheCliWouldIsDismissedAndAnOrdinaryOneStarted() throws Exception {
        startAndStopOnce();
        // The launch the script replays is not the one this CLI makes now (e.g. AEGIS_DAEMON_OPTS changed).
        List<String> launch = new ArrayList<>(Files.readAllLines(home.resolve("daemon.launch")));
        launch.add(1, "-Daegis.test.stale=1");
        Files.write(home.resolve("daemon.launch"), launch);
        Map<String, String> announced = launchEarly("early-stale", "--port", "0");

        CliRun start = CliRun.run(announced, "start", "--port", "0");

        assertThat(start.exitCode()).as(start.all()).isZero();
        assertThat(state().instance()).isNotEqualTo("early-stale");
        assertThat(state().pid()).isNotEqualTo(early.pid());
        assertThat(early.waitFor(30, TimeUnit.SECONDS)).as("the dismissed JVM exits").isTrue();
        // The ordinary launch wrote the launch it made, for the next early one.
        assertThat(Files.readString(home.resolve("daemon.launch"))).doesNotContain("aegis.test.stale");
    }

    @Test
    void offeredTheWholeStartTheEarlyDaemonFinishesItWithoutAnyCli() throws Exception {
        startAndStopOnce();
        CompletableFuture<List<String>> answer = launchOfferingToStartAlone("early-alone", "--port", "0");

        // No CLI runs: the daemon publishes itself and gives the script what `aegis start` prints.
        List<String> said = answer.get(120, TimeUnit.SECONDS);

        assertThat(said.getFirst()).isEqualTo("started");
        assertThat(said.getLast()).isEqualTo(".");
        DaemonState s = state();
        assertThat(s.instance()).isEqualTo("early-alone");
        assertThat(s.pid()).isEqualTo(early.pid());
        assertThat(String.join("\n", said.subList(1, said.size() - 1)) + "\n")
                .isEqualTo(StartMessage.running(s, AegisHome.resolve(home.toString(), env)));
        HttpURLConnection health = (HttpURLConnection) URI.create(s.url() + "/healthz").toURL().openConnection();
        health.setReadTimeout(60_000); // a daemon from the test class path, no AOT cache, on a loaded machine
        assertThat(health.getResponseCode()).isEqualTo(200);
        assertThat(startsLogged()).isEqualTo(1);
        assertThat(Files.readString(home.resolve("logs/daemon.log"))).contains("by the launcher script alone");
        // A start now finds it running, as after any start.
        assertThat(CliRun.run(env, "start", "--port", "0").out()).contains("already running");
    }

    @Test
    void aLaunchTheCliWouldNoLongerMakeLeavesTheStartToTheCli() throws Exception {
        startAndStopOnce();
        List<String> launch = new ArrayList<>(Files.readAllLines(home.resolve("daemon.launch")));
        launch.add(1, "-Daegis.test.stale=1");
        Files.write(home.resolve("daemon.launch"), launch);
        CompletableFuture<List<String>> answer = launchOfferingToStartAlone("early-stale-alone", "--port", "0");

        assertThat(answer.get(120, TimeUnit.SECONDS)).containsExactly("cli");
        assertThat(home.resolve("daemon.json")).doesNotExist();
    }

    @Test
    void flagsOnlyTheCliReadsAndAStateLeftBehindLeaveTheStartToTheCli() throws Exception {
        startAndStopOnce();
        assertThat(launchOfferingToStartAlone("early-wait", "--port", "0", "--wait", "60s")
                .get(120, TimeUnit.SECONDS)).containsExactly("cli");
        scriptEnd.close();
        assertThat(early.waitFor(60, TimeUnit.SECONDS)).isTrue();

        // A daemon.json whose daemon is gone: the CLI says it removed it, so the CLI must run.
        Files.writeString(home.resolve("daemon.json"), "{\"pid\":999999999,\"host\":\"127.0.0.1\",\"port\":1,"
                + "\"instance\":\"gone\",\"started_at\":\"2026-01-01T00:00:00Z\"}");
        CompletableFuture<List<String>> answer = launchOfferingToStartAlone("early-stale-state", "--port", "0");
        assertThat(answer.get(120, TimeUnit.SECONDS)).containsExactly("cli");
        Map<String, String> announced = new HashMap<>(env);
        announced.put("AEGIS_EARLY_DAEMON_PID", Long.toString(early.pid()));
        announced.put("AEGIS_EARLY_DAEMON_PIPE", temp.resolve("pipe-early-stale-state").toString());
        announced.put("AEGIS_EARLY_DAEMON_HOME", home.toString());
        announced.put("AEGIS_EARLY_DAEMON_INSTANCE", "early-stale-state");
        CliRun start = CliRun.run(announced, "start", "--port", "0");
        assertThat(start.exitCode()).as(start.all()).isZero();
        assertThat(start.out()).contains("Removed the state").contains("is running at");
        assertThat(state().instance()).isEqualTo("early-stale-state");
    }
}
