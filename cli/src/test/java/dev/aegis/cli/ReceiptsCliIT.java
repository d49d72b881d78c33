package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.json.Json;
import dev.aegis.receipts.CanonicalJson;
import dev.aegis.receipts.ReceiptKeys;
import dev.aegis.store.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real daemon writes signed receipts; `aegis receipts verify` checks them; they match the usage rows. */
class ReceiptsCliIT {

    @TempDir
    Path temp;

    @Test
    void verifyWithJsonAnswersInJsonWhenItCannotVerify() throws Exception {
        String home = temp.resolve("home-nothing").toString();
        Path missing = temp.resolve("no-such-folder");
        CliRun verify = CliRun.run(Map.of(), CliRun.args(home, "receipts", "verify", "--dir", missing.toString(), "--json"));
        assertThat(verify.exitCode()).as(verify.all()).isEqualTo(1);
        JsonNode result = Json.mapper().readTree(verify.out());
        assertThat(result.path("intact").isBoolean()).isTrue();
        assertThat(result.path("intact").asBoolean()).isFalse();
        assertThat(result.path("error").asText()).startsWith("cannot verify").contains(missing.toString());
        assertThat(verify.err()).contains("aegis: cannot verify");
    }

    @Test
    void receiptsOfRealCallsVerifyAndMatchTheUsageRows() throws Exception {
        String home = temp.resolve("home").toString();
        try (FakeProvider fake = FakeProvider.start()) {
            Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-p", "AEGIS_OPENAI_BASE_URL", fake.baseUrl()));
            assertThat(CliRun.run(env, CliRun.args(home, "start", "--port", "0")).exitCode()).isZero();
            try {
                String key = Json.mapper().readTree(CliRun.run(env, CliRun.args(home, "keygen", "--name", "r", "--json")).out())
                        .path("key").asText();
                String url = new DaemonStateFile(Path.of(home, "daemon.json")).read().orElseThrow().url();
                HttpClient http = HttpClient.newHttpClient();
                for (String body : List.of("{\"model\":\"gpt-4o-mini\"}", "{\"model\":\"gpt-4o-mini\",\"stream\":true}",
                        "{\"model\":\"gpt-4o\",\"input\":\"x\",\"stream\":true}", "{oops")) {
                    String path = body.contains("input") ? "/v1/responses" : "/v1/chat/completions";
                    http.send(HttpRequest.newBuilder(URI.create(url + path)).header("x-api-key", key)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                }
            } finally {
                assertThat(CliRun.run(env, CliRun.args(home, "stop")).exitCode()).isZero();
            }

            CliRun verify = CliRun.run(env, CliRun.args(home, "receipts", "verify", "--json"));
            assertThat(verify.exitCode()).as(verify.all()).isZero();
            JsonNode result = Json.mapper().readTree(verify.out());
            assertThat(result.path("intact").asBoolean()).isTrue();
            assertThat(result.path("receipts").asLong()).isEqualTo(4);

            Map<String, String> receiptCosts = new TreeMap<>();
            try (Stream<Path> files = Files.list(Path.of(home, "receipts"))) {
                for (Path f : files.toList()) {
                    for (String line : Files.readAllLines(f)) {
                        TreeMap<String, Object> r = CanonicalJson.parse(line);
                        receiptCosts.put((String) r.get("id"), (String) r.get("cost_usd"));
                        assertThat(line).doesNotContain("sk-p").doesNotContain("aegis_");
                    }
                }
            }
            Map<String, String> usageCosts = new TreeMap<>();
            try (Database db = Database.open("jdbc:sqlite:" + Path.of(home, "aegis.db"))) {
                db.read(c -> {
                    try (Statement st = c.createStatement();
                            ResultSet rs = st.executeQuery("SELECT request_id, cost_nanos FROM usage")) {
                        while (rs.next()) {
                            usageCosts.put(rs.getString(1), dev.aegis.store.Money.toUsd(rs.getLong(2))
                                    .stripTrailingZeros().toPlainString());
                        }
                    }
                    return null;
                });
            }
            assertThat(receiptCosts).isEqualTo(usageCosts).hasSize(4);
            assertThat(new ArrayList<>(receiptCosts.values())).contains("0.000005775");

            Path privateKey = Path.of(home, "keys", "receipts.key");
            assertThat(Files.getPosixFilePermissions(privateKey)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            CliRun pub = CliRun.run(env, CliRun.args(home, "receipts", "pubkey"));
            assertThat(pub.out()).startsWith("-----BEGIN PUBLIC KEY-----");
            Path exported = temp.resolve("someone-else.pub");
            Files.writeString(exported, pub.out());
            Path copy = temp.resolve("copy");
            Files.createDirectories(copy);
            try (Stream<Path> files = Files.list(Path.of(home, "receipts"))) {
                for (Path f : files.toList()) {
                    Files.copy(f, copy.resolve(f.getFileName()));
                }
            }
            CliRun offline = CliRun.run(Map.of(), "--home", temp.resolve("elsewhere").toString(), "receipts", "verify",
                    "--dir", copy.toString(), "--pubkey", exported.toString());
            assertThat(offline.exitCode()).as(offline.all()).isZero();
            assertThat(offline.out()).contains("Intact: 4 receipts");

            List<String> lines = new ArrayList<>();
            try (Stream<Path> files = Files.list(copy)) {
                Path f = files.toList().getFirst();
                lines.addAll(Files.readAllLines(f));
                lines.set(0, lines.get(0).replace("\"status\":200", "\"status\":201"));
                Files.writeString(f, String.join("\n", lines) + "\n");
                CliRun broken = CliRun.run(Map.of(), "--home", temp.resolve("elsewhere").toString(), "receipts", "verify",
                        "--dir", copy.toString(), "--pubkey", exported.toString());
                assertThat(broken.exitCode()).isEqualTo(ExitCode.FAILED);
                assertThat(broken.out()).contains("BROKEN at " + f.getFileName() + ":1: bad signature");
            }

            // Someone who can write to keys/ but not read receipts.key puts a key of their own in receipts.pub and
            // re-signs the last receipt with it (its cost made 0): not trusted, so the trail is broken, and said.
            ReceiptKeys.Pair other = ReceiptKeys.generate();
            Path forged = temp.resolve("forged");
            Files.createDirectories(forged);
            Path last;
            try (Stream<Path> files = Files.list(Path.of(home, "receipts"))) {
                last = files.sorted().toList().getLast();
            }
            List<String> trail = new ArrayList<>(Files.readAllLines(last));
            TreeMap<String, Object> receipt = CanonicalJson.parse(trail.getLast());
            receipt.remove("sig");
            receipt.put("cost_usd", "0");
            if (receipt.containsKey("key")) {
                receipt.put("key", ReceiptKeys.fingerprint(other.publicKey()));
            }
            receipt.put("sig", ReceiptKeys.sign(other, CanonicalJson.bytes(receipt)));
            trail.set(trail.size() - 1, new String(CanonicalJson.bytes(receipt), java.nio.charset.StandardCharsets.UTF_8));
            try (Stream<Path> files = Files.list(Path.of(home, "receipts"))) {
                for (Path f : files.toList()) {
                    Files.copy(f, forged.resolve(f.getFileName()));
                }
            }
            Files.writeString(forged.resolve(last.getFileName()), String.join("\n", trail) + "\n");
            Files.write(Path.of(home, "keys", "receipts.pub"), ReceiptKeys.publicPem(other.publicKey()));
            CliRun swapped = CliRun.run(env, CliRun.args(home, "receipts", "verify", "--dir", forged.toString()));
            assertThat(swapped.exitCode()).as(swapped.all()).isEqualTo(ExitCode.FAILED);
            assertThat(swapped.err()).contains("keys/receipts.pub").contains("is not the public half of keys/receipts.key");
            Files.delete(Path.of(home, "keys", "receipts.pub"));

            // The same person drops their key as a retired one (keys/receipts-<fp>.pub, trusted for older receipts)
            // and re-signs the whole trail with it, chain and all: every line consistent, but the trail no longer
            // ends in this home's key, which vouches for every line before its receipts.
            String prev = dev.aegis.receipts.Receipts.GENESIS;
            try (Stream<Path> files = Files.list(Path.of(home, "receipts"))) {
                for (Path f : files.sorted().toList()) {
                    List<String> resigned = new ArrayList<>();
                    for (String line : Files.readAllLines(f)) {
                        TreeMap<String, Object> r = CanonicalJson.parse(line);
                        r.remove("sig");
                        r.put("prev", prev);
                        r.put("cost_usd", "0");
                        r.put("key", ReceiptKeys.fingerprint(other.publicKey()));
                        r.put("sig", ReceiptKeys.sign(other, CanonicalJson.bytes(r)));
                        byte[] bytes = CanonicalJson.bytes(r);
                        prev = dev.aegis.receipts.Receipts.sha256Hex(bytes);
                        resigned.add(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
                    }
                    Files.writeString(forged.resolve(f.getFileName()), String.join("\n", resigned) + "\n");
                }
            }
            Path planted = Path.of(home, "keys", "receipts-"
                    + ReceiptKeys.fingerprint(other.publicKey()).substring("ed25519:".length()) + ".pub");
            Files.write(planted, ReceiptKeys.publicPem(other.publicKey()));
            CliRun resigned = CliRun.run(env, CliRun.args(home, "receipts", "verify", "--dir", forged.toString()));
            assertThat(resigned.exitCode()).as(resigned.all()).isEqualTo(ExitCode.FAILED);
            assertThat(resigned.out()).contains(":1: another key at the end")
                    .contains("signed by " + ReceiptKeys.fingerprint(other.publicKey()));
            CliRun own = CliRun.run(env, CliRun.args(home, "receipts", "verify"));
            assertThat(own.exitCode()).as("the real trail still verifies beside the planted key: %s", own.all()).isZero();
        }
    }
}
