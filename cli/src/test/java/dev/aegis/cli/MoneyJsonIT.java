package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.json.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Money is one JSON type everywhere: a number written exactly (plain decimal, no exponent, never a
 * string) in every CLI {@code --json}, {@code /api/costs}, {@code /aegis/v1/usage} and live event.
 * Amounts below a millionth of a dollar are the case a BigDecimal's {@code toString} writes as
 * {@code 1E-7}.
 */
class MoneyJsonIT {

    /** Every money field of a JSON text, with what follows its colon. */
    private static final Pattern MONEY = Pattern.compile("\"(cost_usd|balance_usd|reserved_usd)\"\\s*:\\s*([^,}\\]]+)");

    @TempDir
    Path temp;

    RunningDaemon daemon;
    String admin;
    String keyId;

    @BeforeEach
    void setUp() throws Exception {
        // A price small enough that a call costs less than a millionth of a dollar.
        daemon = new RunningDaemon(temp, "pricing: { overrides: { gpt-4o-mini: { input: 0.001, cached_input: 0, output: 0.001 } } }\n");
        keyId = Json.mapper().readTree(daemon.aegis("keygen", "--name", "m", "--credits", "0.0000001", "--json").out())
                .path("id").asText();
        admin = Json.mapper().readTree(daemon.aegis("keygen", "--name", "a", "--admin", "--json").out()).path("key").asText();
    }

    @AfterEach
    void tearDown() {
        daemon.close();
    }

    private CliRun aegis(String... args) {
        return daemon.aegis(args);
    }

    private static void assertExactNumbers(String what, String json, int atLeast) {
        Matcher m = MONEY.matcher(json);
        int seen = 0;
        while (m.find()) {
            seen++;
            assertThat(m.group(2).strip()).as(what + ": " + m.group(1) + " in " + json).matches("-?\\d+(\\.\\d+)?");
        }
        assertThat(seen).as(what + ": money fields in " + json).isGreaterThanOrEqualTo(atLeast);
    }

    @Test
    void everyMoneyFieldIsAnExactPlainJsonNumber() throws Exception {
        CliRun credits = aegis("credits", "show", keyId, "--json");
        assertExactNumbers("credits show", credits.out(), 2);
        assertThat(credits.out()).contains("\"balance_usd\":0.0000001");
        assertExactNumbers("keys show", aegis("keys", "show", keyId, "--json").out(), 1);

        // A live event, as tail --json prints it, for one call that costs 2.6e-8 USD.
        CompletableFuture<CliRun> tail = CompletableFuture.supplyAsync(() -> aegis("tail", "--json", "--count", "1"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!tail.isDone() && System.nanoTime() < deadline) {
            daemon.call(admin, "gpt-4o-mini");
            try {
                tail.get(300, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // not connected yet: call again
            }
        }
        String event = tail.get(5, TimeUnit.SECONDS).out();
        assertExactNumbers("tail --json", event, 1);
        assertThat(Json.mapper().readTree(event).path("cost_usd").decimalValue()).isLessThan(new java.math.BigDecimal("0.000001"))
                .isPositive();

        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Json.mapper().readTree(aegis("usage", "--format", "json").out()).at("/total/requests").asLong() < 1
                && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertExactNumbers("usage --format json", aegis("usage", "--format", "json").out(), 2);
        for (String path : List.of("/api/costs", "/api/costs/" + keyId, "/aegis/v1/usage?by=key")) {
            HttpResponse<String> r = daemon.get(path, admin);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertExactNumbers(path, r.body(), 2);
        }
        assertThat(daemon.get("/api/costs/" + keyId, admin).body()).contains("\"balance_usd\":0.0000001");
    }
}
