package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.json.Json;
import dev.aegis.receipts.Receipts;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's receipts panel shows the last `aegis receipts verify` (issue 27 item 1): the CLI
 * records each check of this home's trail in the store (when, intact or broken, receipts checked,
 * the head it reached), and {@code /ui/api/receipts} answers it next to the trail's head.
 */
class DashboardReceiptsIT {

    @TempDir
    static Path temp;

    static FakeProvider fake;
    static Map<String, String> env;
    static Path home;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        fake = FakeProvider.start();
        home = temp.resolve("home");
        env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-p", "AEGIS_OPENAI_BASE_URL", fake.baseUrl()));
        assertThat(aegis("start", "--port", "0").exitCode()).isZero();
        String key = Json.mapper().readTree(aegis("keygen", "--name", "r", "--json").out()).path("key").asText();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/v1/chat/completions"))
                    .header("x-api-key", key).POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
        // a stop flushes every receipt and usage row: the trail verifies as a whole
        assertThat(aegis("stop").exitCode()).isZero();
    }

    @AfterAll
    static void stop() {
        aegis("stop");
        if (fake != null) {
            fake.close();
        }
    }

    private static CliRun aegis(String... args) {
        return CliRun.run(env, CliRun.args(home.toString(), args));
    }

    private static String url() throws Exception {
        return new DaemonStateFile(home.resolve("daemon.json")).read().orElseThrow().url();
    }

    /** The operator's view of {@code /ui/api/receipts}, logged in with `aegis dashboard --url`'s link. */
    private static JsonNode receiptsPanel() throws Exception {
        CliRun link = aegis("dashboard", "--url");
        assertThat(link.exitCode()).as(link.all()).isZero();
        String token = link.out().strip().replaceFirst("^.*#login=", "");
        HttpResponse<String> session = http.send(HttpRequest.newBuilder(URI.create(url() + "/ui/api/session"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
        String cookie = session.headers().firstValue("Set-Cookie").orElseThrow().replaceFirst(";.*$", "");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/ui/api/receipts")).header("Cookie", cookie).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    @Test
    void theLastVerifyIsShownIntactThenBroken() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        CliRun verify = aegis("receipts", "verify");
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        assertThat(verify.out()).contains("Intact: 3 receipts");

        assertThat(aegis("start", "--port", "0").exitCode()).isZero();
        JsonNode panel = receiptsPanel();
        JsonNode last = panel.path("last_verify");
        assertThat(last.path("intact").asBoolean(false)).as(panel.toString()).isTrue();
        assertThat(last.path("result").asText()).isEqualTo("intact");
        assertThat(last.path("receipts").asLong()).isEqualTo(3);
        assertThat(last.path("head_seq").asLong()).isEqualTo(3);
        assertThat(Instant.parse(last.path("at").asText())).isAfter(before).isBefore(Instant.now().plusSeconds(1));
        assertThat(panel.at("/head/seq").asLong()).isEqualTo(3);

        // Someone edits the first receipt in place (same length: the daemon's appends go on untouched).
        Path first;
        try (Stream<Path> s = Files.list(home.resolve("receipts"))) {
            first = s.filter(Receipts::isReceiptFile).sorted().findFirst().orElseThrow();
        }
        String text = Files.readString(first, StandardCharsets.UTF_8);
        int at = text.indexOf("gpt-4o-mini");
        assertThat(at).isPositive().isLessThan(text.indexOf('\n'));
        try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
            f.seek(text.substring(0, at).getBytes(StandardCharsets.UTF_8).length);
            f.write("gpt-4o-maxi".getBytes(StandardCharsets.UTF_8));
        }
        CliRun broken = aegis("receipts", "verify");
        assertThat(broken.exitCode()).as(broken.all()).isEqualTo(1);
        assertThat(broken.out()).contains("BROKEN at");

        JsonNode after = receiptsPanel().path("last_verify");
        assertThat(after.path("intact").asBoolean(true)).as(after.toString()).isFalse();
        assertThat(after.path("result").asText()).isEqualTo("broken");
        assertThat(after.path("receipts").asLong()).isZero();
        assertThat(after.path("problem").asText()).contains(first.getFileName().toString() + ":1");
        assertThat(Instant.parse(after.path("at").asText())).isAfterOrEqualTo(Instant.parse(last.path("at").asText()));

        // A folder checked by itself (--dir) is not this home's trail: it is not recorded.
        Path other = Files.createDirectory(temp.resolve("empty-trail"));
        CliRun empty = aegis("receipts", "verify", "--dir", other.toString());
        assertThat(empty.exitCode()).as("a folder without receipts is nothing verified, not an intact trail").isEqualTo(1);
        assertThat(empty.err()).contains("nothing to verify");
        assertThat(receiptsPanel().path("last_verify").path("result").asText()).isEqualTo("broken");
    }
}
