package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.json.Json;
import dev.aegis.store.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key's own secrets mode, from keygen to a real daemon: what it forwards, and that its usage rows,
 * receipts and log name the kinds and counts of the secrets it found, never a secret.
 */
class SecretsCliIT {

    private static final String GITHUB = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
    private static final String AWS = "AKIAIOSFODNN7EXAMPLE";

    @TempDir
    Path temp;

    @Test
    void keygenSetsAKeysSecretsModeAndKeysShowIt() throws Exception {
        String home = temp.resolve("home").toString();
        JsonNode minted = json(CliRun.run(Map.of(), CliRun.args(home, "keygen", "--name", "r", "--secrets", "redact", "--json")));
        assertThat(minted.path("secrets_mode").asText()).isEqualTo("redact");
        String plain = json(CliRun.run(Map.of(), CliRun.args(home, "keygen", "--name", "p", "--json"))).path("id").asText();

        JsonNode shown = json(CliRun.run(Map.of(), CliRun.args(home, "keys", "show", minted.path("id").asText(), "--json")));
        assertThat(shown.path("secrets_mode").asText()).isEqualTo("redact");
        JsonNode listed = json(CliRun.run(Map.of(), CliRun.args(home, "keys", "list", "--json")));
        Map<String, JsonNode> modes = new TreeMap<>();
        listed.forEach(k -> modes.put(k.path("id").asText(), k.path("secrets_mode")));
        assertThat(modes.get(minted.path("id").asText()).asText()).isEqualTo("redact");
        assertThat(modes.get(plain).isNull()).as("a key without its own mode follows the config").isTrue();

        CliRun bad = CliRun.run(Map.of(), CliRun.args(home, "keygen", "--name", "x", "--secrets", "maybe"));
        assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("'maybe' is not a secrets mode: use block, redact or off");
    }

    @Test
    void aRealDaemonRecordsKindsAndCountsAndWritesNoSecretAnywhere() throws Exception {
        String home = temp.resolve("home").toString();
        try (FakeProvider fake = FakeProvider.start()) {
            Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-p", "AEGIS_OPENAI_BASE_URL", fake.baseUrl()));
            String redacting = json(CliRun.run(env, CliRun.args(home, "keygen", "--name", "r", "--secrets", "redact", "--json")))
                    .path("key").asText();
            String blocking = json(CliRun.run(env, CliRun.args(home, "keygen", "--name", "b", "--json"))).path("key").asText();
            assertThat(CliRun.run(env, CliRun.args(home, "start", "--port", "0")).exitCode()).isZero();
            String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + GITHUB + " and "
                    + AWS + " and " + AWS + "\"}]}";
            try {
                String url = new DaemonStateFile(Path.of(home, "daemon.json")).read().orElseThrow().url();
                assertThat(send(url, redacting, body).statusCode()).isEqualTo(200);
                assertThat(fake.requests().getLast().bodyText()).doesNotContain(GITHUB).doesNotContain(AWS)
                        .contains("[REDACTED:github_token] and [REDACTED:aws_access_key_id] and [REDACTED:aws_access_key_id]");
                HttpResponse<String> blocked = send(url, blocking, body);
                assertThat(blocked.statusCode()).isEqualTo(403);
                assertThat(blocked.body()).contains("secret_detected").doesNotContain(GITHUB).doesNotContain(AWS);
            } finally {
                assertThat(CliRun.run(env, CliRun.args(home, "stop")).exitCode()).isZero();
            }
            assertThat(fake.requests()).hasSize(1);
        }

        String expected = "{\"aws_access_key_id\":2,\"github_token\":1}";
        try (Database db = Database.open("jdbc:sqlite:" + Path.of(home, "aegis.db"))) {
            db.read(c -> {
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT status, secret_findings FROM usage ORDER BY status")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(200);
                    assertThat(rs.getString(2)).isEqualTo(expected);
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(403);
                    assertThat(rs.getString(2)).isEqualTo(expected);
                }
                return null;
            });
        }
        try (Stream<Path> files = Files.list(Path.of(home, "receipts"))) {
            for (Path f : files.toList()) {
                for (String line : Files.readAllLines(f)) {
                    assertThat(line).contains("\"secrets\":" + expected);
                }
            }
        }
        CliRun verify = CliRun.run(Map.of(), CliRun.args(home, "receipts", "verify"));
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        assertThat(verify.out()).contains("Intact: 2 receipts");

        String log = Files.readString(Path.of(home, "logs", "daemon.log"));
        // One line per call, in the daemon log's format (time, level, logger), as its other lines.
        String time = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)";
        assertThat(log.lines().filter(l -> l.contains(" listening on "))).singleElement().asString()
                .matches(time + " INFO dev\\.aegis\\.daemon\\.Daemon - Aegis .*");
        assertThat(log.lines().filter(l -> l.contains("call request="))).hasSize(2).allSatisfy(line -> assertThat(line)
                .matches(time + " INFO dev\\.aegis\\.calls - call request=req_\\w+ key=\\w+ tenant=default .* status=(200|403) .*")
                .endsWith(" secrets=" + expected));
        try (Stream<Path> files = Files.walk(Path.of(home))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(content).as(f.toString()).doesNotContain(GITHUB).doesNotContain(AWS);
            }
        }
    }

    private static HttpResponse<String> send(String url, String key, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(CliRun run) throws Exception {
        assertThat(run.exitCode()).as(run.all()).isZero();
        return Json.mapper().readTree(run.out());
    }
}
