package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.control.DaemonState;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon process started like {@code aegis start}, 100 connections that each declare a 32 MB body
 * and drip it a byte at a time: the daemon's resident memory stays bounded, and every connection is
 * answered 408 or closed once {@code server.read_timeout} has passed.
 */
@EnabledOnOs(OS.LINUX)
class SlowClientRssIT {

    private static final int CONNECTIONS = 100;
    private static final long DECLARED = 32L * 1024 * 1024;
    private static final long READ_TIMEOUT_MS = 5_000;

    @TempDir
    Path temp;

    private static long rssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private static String statusLine(Socket s) {
        try {
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
            return line.isEmpty() ? "closed" : line.toString().trim();
        } catch (SocketTimeoutException e) {
            return "no answer";
        } catch (IOException e) {
            return "closed";
        }
    }

    @Test
    void hundredDrippingUploadsOf32MbKeepTheDaemonsMemoryBoundedAndEndWithinTheReadTimeout() throws Exception {
        Path home = temp.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve("aegis.yaml"), "server: { read_timeout: " + READ_TIMEOUT_MS + "ms }\n");
        try (FakeProvider fake = FakeProvider.start()) {
            Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-p", "AEGIS_OPENAI_BASE_URL", fake.baseUrl()));
            CliRun start = CliRun.run(env, CliRun.args(home.toString(), "start", "--port", "0"));
            assertThat(start.exitCode()).as(start.all()).isZero();
            try {
                String key = Json.mapper().readTree(
                        CliRun.run(env, CliRun.args(home.toString(), "keygen", "--name", "slow", "--json")).out())
                        .path("key").asText();
                DaemonState state = new DaemonStateFile(home.resolve("daemon.json")).read().orElseThrow();
                long before = rssBytes(state.pid());

                List<Socket> sockets = new ArrayList<>();
                long started = System.nanoTime();
                try {
                    for (int i = 0; i < CONNECTIONS; i++) {
                        Socket s = new Socket("127.0.0.1", state.port());
                        s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:" + state.port()
                                + "\r\nContent-Type: application/json\r\nAuthorization: Bearer " + key
                                + "\r\nContent-Length: " + DECLARED + "\r\n\r\n{\"model\":\"gpt-4o-mini\",\"pad\":\"")
                                .getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                        sockets.add(s);
                    }
                    // Every connection drips a byte every 100 ms until the daemon ends it.
                    for (Socket s : sockets) {
                        Thread.ofVirtual().start(() -> {
                            try {
                                OutputStream out = s.getOutputStream();
                                while (!s.isClosed()) {
                                    out.write('a');
                                    out.flush();
                                    Thread.sleep(100); // the client's pace
                                }
                            } catch (IOException | InterruptedException e) {
                                // the daemon (or the test) closed the connection
                            }
                        });
                    }
                    // Peak resident memory while they are all dripping, sampled for 2 s.
                    long peak = 0;
                    long sampleUntil = System.nanoTime() + 2_000_000_000L;
                    while (System.nanoTime() < sampleUntil) {
                        peak = Math.max(peak, rssBytes(state.pid()));
                        Thread.sleep(50);
                    }
                    System.out.printf("daemon RSS %d MB before, %d MB peak with %d dripping uploads%n",
                            before >> 20, peak >> 20, CONNECTIONS);
                    // Before: each declared 32 MB was allocated as the call began (100 x 32 MB).
                    assertThat(peak - before).as("daemon RSS growth, %d MB -> %d MB peak", before >> 20, peak >> 20)
                            .isLessThan(64L * 1024 * 1024);

                    long answerBy = started + (READ_TIMEOUT_MS + 3_000) * 1_000_000;
                    List<String> answers = new ArrayList<>();
                    for (Socket s : sockets) {
                        s.setSoTimeout((int) Math.max(1, (answerBy - System.nanoTime()) / 1_000_000));
                        answers.add(statusLine(s));
                    }
                    assertThat(answers).allSatisfy(a -> assertThat(a).isIn("HTTP/1.1 408 Request Timeout", "closed"));
                } finally {
                    for (Socket s : sockets) {
                        s.close();
                    }
                }
                assertThat(ProcessHandle.of(state.pid())).as("the daemon is still running").isPresent();
            } finally {
                CliRun.run(env, CliRun.args(home.toString(), "stop"));
            }
        }
    }
}
