package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.json.Json;
import dev.aegis.receipts.CanonicalJson;
import dev.aegis.receipts.Receipts;
import dev.aegis.store.PostgresServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Receipts in team mode (issue 26 part 5): two daemons on one PostgreSQL each sign their own chain,
 * every receipt names its daemon's instance, the store keeps a head per instance, and
 * {@code aegis receipts verify} checks every trail it is given against its own head, so a trail
 * cut at its end is noticed on any instance and named.
 */
class TeamReceiptsIT {

    @RegisterExtension
    static final PostgresServer POSTGRES = new PostgresServer();

    @TempDir
    Path temp;

    private static List<Path> trail(Path home) throws Exception {
        try (Stream<Path> s = Files.list(home.resolve("receipts"))) {
            return s.filter(Receipts::isReceiptFile).sorted().toList();
        }
    }

    private static String instance(Path home) throws Exception {
        return Files.readString(home.resolve("keys/receipts.instance")).strip();
    }

    @Test
    void eachDaemonSignsItsOwnChainAndVerifyChecksEveryOneAgainstItsHead() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("AEGIS_STORE_URL", POSTGRES.server().newDatabase(), "OPENAI_API_KEY", "sk-p"));
        Path one = temp.resolve("one");
        Path two = temp.resolve("two");
        try (FakeProvider fake = FakeProvider.start()) {
            env.put("AEGIS_OPENAI_BASE_URL", fake.baseUrl());
            List<Path> started = new ArrayList<>();
            try {
                for (Path home : List.of(one, two)) {
                    CliRun start = CliRun.run(env, CliRun.args(home.toString(), "start", "--port", "0"));
                    assertThat(start.exitCode()).as(start.all()).isZero();
                    started.add(home);
                }
                String key = Json.mapper().readTree(CliRun.run(env, CliRun.args(one.toString(), "keygen", "--name", "team", "--json"))
                        .out()).path("key").asText();
                HttpClient http = HttpClient.newHttpClient();
                for (Path home : List.of(one, two, one, two, two)) {
                    String url = new DaemonStateFile(home.resolve("daemon.json")).read().orElseThrow().url();
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
                            .header("x-api-key", key).POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\"}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                }
                CliRun status = CliRun.run(env, CliRun.args(one.toString(), "status"));
                assertThat(status.out()).contains("receipts:  instance " + instance(one));
            } finally {
                for (Path home : started) {
                    assertThat(CliRun.run(env, CliRun.args(home.toString(), "stop")).exitCode()).isZero();
                }
            }
        }
        assertThat(instance(one)).isNotEqualTo(instance(two)).matches("[0-9a-f]{16}");
        for (Path home : List.of(one, two)) {
            for (Path f : trail(home)) {
                for (String line : Files.readAllLines(f)) {
                    assertThat(CanonicalJson.parse(line).get("instance")).as(line).isEqualTo(instance(home));
                }
            }
        }

        String[] verifyBoth = CliRun.args(one.toString(), "receipts", "verify", one.resolve("receipts").toString(),
                two.resolve("receipts").toString(), "--pubkey", one.resolve("keys/receipts.pub").toString(),
                "--pubkey", two.resolve("keys/receipts.pub").toString());
        CliRun intact = CliRun.run(env, verifyBoth);
        assertThat(intact.exitCode()).as(intact.all()).isZero();
        assertThat(intact.out()).contains("instance " + instance(one) + ": Intact: 2 receipts")
                .contains("instance " + instance(two) + ": Intact: 3 receipts");
        CliRun json = CliRun.run(env, withJson(verifyBoth));
        JsonNode result = Json.mapper().readTree(json.out());
        assertThat(result.path("intact").asBoolean()).isTrue();
        assertThat(result.path("instances").findValuesAsText("instance")).containsExactly(instance(one), instance(two));

        // The second daemon's last receipt is cut: its chain is still consistent in itself, but no
        // longer reaches the head the shared store keeps for that instance.
        Path newest = trail(two).getLast();
        List<String> lines = Files.readAllLines(newest);
        Files.writeString(newest, String.join("\n", lines.subList(0, lines.size() - 1)) + "\n");
        CliRun cut = CliRun.run(env, verifyBoth);
        assertThat(cut.exitCode()).as(cut.all()).isEqualTo(ExitCode.FAILED);
        assertThat(cut.out()).contains("instance " + instance(one) + ": Intact: 2 receipts")
                .contains("instance " + instance(two) + ": BROKEN at " + newest.getFileName() + ":3: missing: the trail ends at seq 2 "
                        + "but the store's head is seq 3 (1 receipt(s) missing at the end)");
        // From the other machine's home too: the heads are in the shared store.
        CliRun fromTwo = CliRun.run(env, CliRun.args(two.toString(), "receipts", "verify", one.resolve("receipts").toString(),
                "--pubkey", one.resolve("keys/receipts.pub").toString()));
        assertThat(fromTwo.exitCode()).as(fromTwo.all()).isZero();
        CliRun ownTrail = CliRun.run(env, CliRun.args(two.toString(), "receipts", "verify"));
        assertThat(ownTrail.exitCode()).as(ownTrail.all()).isEqualTo(ExitCode.FAILED);
        assertThat(ownTrail.out()).contains("missing: the trail ends at seq 2 but the store's head is seq 3");
    }

    private static String[] withJson(String[] args) {
        String[] out = java.util.Arrays.copyOf(args, args.length + 1);
        out[args.length] = "--json";
        return out;
    }
}
