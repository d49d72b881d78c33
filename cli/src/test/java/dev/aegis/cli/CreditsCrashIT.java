package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.cli.daemon.ProcessLiveness;
import dev.aegis.control.DaemonState;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.json.Json;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 with calls holding credit reservations: the next start releases them all. */
class CreditsCrashIT {

    @TempDir
    Path temp;

    @Test
    void noReservationOutlivesACrash() throws Exception {
        String home = temp.resolve("home").toString();
        try (FakeProvider fake = FakeProvider.start()) {
            Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-p", "AEGIS_OPENAI_BASE_URL", fake.baseUrl()));
            assertThat(CliRun.run(env, CliRun.args(home, "start", "--port", "0")).exitCode()).isZero();
            JsonNode minted = Json.mapper().readTree(
                    CliRun.run(env, CliRun.args(home, "keygen", "--name", "c", "--credits", "1", "--json")).out());
            String key = minted.path("key").asText();
            String id = minted.path("id").asText();
            DaemonState state = new DaemonStateFile(Path.of(home, "daemon.json")).read().orElseThrow();

            // One call completes and is charged; then ten are held by a slow provider when the daemon dies.
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest call = HttpRequest.newBuilder(URI.create(state.url() + "/v1/chat/completions"))
                    .header("x-api-key", key).POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\"}")).build();
            assertThat(http.send(call, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            awaitTrue(() -> usageRequests(env, home) == 1);
            fake.headerDelay(Duration.ofSeconds(30));
            for (int i = 0; i < 10; i++) {
                http.sendAsync(call, HttpResponse.BodyHandlers.ofString());
            }
            awaitTrue(() -> fake.requests().size() == 11);
            JsonNode held = credits(env, home, id);
            assertThat(new BigDecimal(held.path("reserved_usd").asText())).isPositive();

            ProcessHandle daemon = ProcessHandle.of(state.pid()).orElseThrow();
            daemon.destroyForcibly();
            assertThat(ProcessLiveness.awaitExit(daemon, Duration.ofSeconds(10))).as("the killed daemon exited").isTrue();
            fake.headerDelay(Duration.ZERO);

            assertThat(CliRun.run(env, CliRun.args(home, "start", "--port", "0")).exitCode()).isZero();
            try {
                JsonNode after = credits(env, home, id);
                assertThat(new BigDecimal(after.path("reserved_usd").asText())).isZero();
                JsonNode usage = Json.mapper().readTree(
                        CliRun.run(env, CliRun.args(home, "usage", "--key", id, "--json")).out());
                BigDecimal charged = usage.at("/total/cost_usd").decimalValue();
                assertThat(new BigDecimal(after.path("balance_usd").asText()))
                        .isEqualByComparingTo(BigDecimal.ONE.subtract(charged));
                assertThat(charged).isEqualByComparingTo("0.000005775");
            } finally {
                CliRun.run(env, CliRun.args(home, "stop"));
            }
        }
    }

    private static JsonNode credits(Map<String, String> env, String home, String id) throws Exception {
        return Json.mapper().readTree(CliRun.run(env, CliRun.args(home, "credits", "show", id, "--json")).out());
    }

    private static long usageRequests(Map<String, String> env, String home) {
        try {
            return Json.mapper().readTree(CliRun.run(env, CliRun.args(home, "usage", "--json")).out())
                    .at("/total/requests").asLong();
        } catch (Exception e) {
            return -1;
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(25);
        }
    }
}
