package dev.aegis.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.config.ConfigOverrides;
import dev.aegis.home.AegisHome;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up refusals and the graceful stop, on real daemons. */
class LifecycleIT {

    @TempDir
    Path temp;

    @Test
    void gracefulStopLetsAnInFlightStreamFinishAndRefusesNewCalls() throws Exception {
        TestGateway g = TestGateway.start(temp);
        try {
            g.fake.holdStreamsAfterFirstEvent();
            HttpResponse<InputStream> stream = Http.open(g.post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"stream\":true}"));
            assertThat(Http.readEvent(stream.body())).startsWith("data: ");

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> g.stop(Duration.ofSeconds(20)));
            awaitDraining(g);
            HttpResponse<String> refused = Http.send(g.post("/v1/chat/completions", "{\"model\":\"m\"}"));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(stopping).isNotDone();

            g.fake.releaseStreams();
            String rest = new String(stream.body().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).endsWith("data: [DONE]\n\n");
            stopping.get(10, TimeUnit.SECONDS);
            assertThat(g.homeDir.resolve("daemon.json")).doesNotExist();
        } finally {
            g.close();
        }
    }

    @Test
    void aStopWhoseTimeRunsOutEndsTheStreamsStillRunningAndRecordsThem() throws Exception {
        TestGateway g = TestGateway.start(temp);
        try {
            g.fake.eventDelay(Duration.ofMillis(400));
            HttpResponse<InputStream> stream = Http.open(g.post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"stream\":true}"));
            String requestId = stream.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(Http.readEvent(stream.body())).startsWith("data: ");

            g.stop(Duration.ofMillis(100));

            // The client gets its protocol's error ending, not a cut connection.
            String rest = new String(stream.body().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).contains("Aegis is stopping").doesNotEndWith("data: [DONE]\n\n");
            UsageRowView row = UsageRowView.find(g.db, requestId).orElseThrow(
                    () -> new AssertionError("no usage row for the stream the stop ended"));
            assertThat(row.streamed()).isTrue();
            assertThat(row.complete()).isFalse();
            try (var files = Files.walk(g.homeDir.resolve("receipts"))) {
                assertThat(files.filter(Files::isRegularFile).anyMatch(f -> {
                    try {
                        return Files.readString(f).contains(requestId);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })).as("a receipt for the stream the stop ended").isTrue();
            }
        } finally {
            g.close();
        }
    }

    private static void awaitDraining(TestGateway g) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (Http.get(g.url() + "/healthz", "*/*").body().contains("draining")) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("daemon never reported draining");
    }

    @Test
    void secondDaemonOnTheSameHomeIsRefused() throws Exception {
        try (TestGateway g = TestGateway.start(temp)) {
            DaemonOptions again = options(new AegisHome(g.homeDir), null, 0);
            assertThatThrownBy(() -> Daemon.start(again))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("already running");
        }
    }

    @Test
    void invalidConfigNamesEachErrorByPath() throws Exception {
        Path home = temp.resolve("bad-config");
        Files.createDirectories(home);
        Path config = home.resolve("aegis.yaml");
        Files.writeString(config, "server:\n  port: eighty\n  colour: blue\ntimeouts: { idle: soon }\n");

        assertThatThrownBy(() -> Daemon.start(options(new AegisHome(home), config, null)))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("server.port")
                .hasMessageContaining("server.colour")
                .hasMessageContaining("timeouts.idle");
        assertThat(home.resolve("daemon.json")).doesNotExist();
    }

    @Test
    void portInUseIsOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Path home = temp.resolve("busy");
            assertThatThrownBy(() -> Daemon.start(options(new AegisHome(home), null, taken.getLocalPort())))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("--port");
            // The failed start released its lock: a new daemon can start on the same home.
            try (AutoCloseable ignored = stopping(Daemon.start(options(new AegisHome(home), null, 0)))) {
                assertThat(home.resolve("daemon.json")).exists();
            }
        }
    }

    private static AutoCloseable stopping(Daemon d) {
        return () -> d.stop(Duration.ofSeconds(2));
    }

    private static DaemonOptions options(AegisHome home, Path config, Integer port) throws Exception {
        home.ensureCreated();
        return new DaemonOptions(home, config == null ? home.configFile() : config, config != null,
                new ConfigOverrides("127.0.0.1", port), UUID.randomUUID().toString(), true,
                Map.of("OPENAI_API_KEY", "sk-x", "AEGIS_OPENAI_BASE_URL", "http://127.0.0.1:9/v1"));
    }
}
