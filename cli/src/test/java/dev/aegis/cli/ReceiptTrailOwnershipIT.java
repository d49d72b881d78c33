package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.control.DaemonStateFile;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.receipts.KeyRotation;
import dev.aegis.receipts.ReceiptKeys;
import dev.aegis.receipts.ReceiptLog;
import dev.aegis.store.ReceiptHead;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon goes on only with a trail it wrote (an outside review): not after receipts past its store's head that its
 * key did not sign (a forged tail ending in a rotation back to the real key verified Intact once a restart had moved
 * the head past it), and not with a receipts.key that is not the key the trail ends in (a replaced key signed on
 * silently). `aegis receipts rotate` still hands a trail over to a new key.
 */
class ReceiptTrailOwnershipIT {

    @TempDir
    Path temp;

    FakeProvider fake;
    Map<String, String> env;
    Path home;

    @BeforeEach
    void aTrailOfThreeCalls() throws Exception {
        fake = FakeProvider.start();
        env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-p", "AEGIS_OPENAI_BASE_URL", fake.baseUrl(), "AEGIS_PORT", "0"));
        home = temp.resolve("home");
        assertThat(aegis("start").exitCode()).isZero();
        String key = dev.aegis.json.Json.mapper().readTree(aegis("keygen", "--name", "k", "--json").out()).path("key").asText();
        String url = new DaemonStateFile(home.resolve("daemon.json")).read().orElseThrow().url();
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
                    .header("x-api-key", key).POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
        assertThat(aegis("stop").exitCode()).isZero();
        assertThat(aegis("receipts", "verify").out()).contains("Intact: 3 receipts");
    }

    @AfterEach
    void stop() {
        aegis("stop");
        fake.close();
    }

    private CliRun aegis(String... args) {
        return CliRun.run(env, CliRun.args(home.toString(), args));
    }

    private Path receipts() {
        return home.resolve("receipts");
    }

    private String instance() throws Exception {
        return Files.readString(home.resolve("keys").resolve("receipts.instance")).strip();
    }

    @Test
    void aTailThisDaemonsKeyDidNotSignStopsTheStart() throws Exception {
        // Appended without the private key: a rotation to a key of the attacker's, signed by it, and a rotation back to
        // the real key (only its public half needed), so the trail ends in the home's key.
        ReceiptHead end = ReceiptLog.trailEnd(receipts());
        ReceiptKeys.Pair theirs = ReceiptKeys.generate();
        ReceiptHead forged = KeyRotation.append(receipts(), end, null, end.keyFingerprint(), theirs, instance(), Instant.now());
        ReceiptKeys.Pair real = ReceiptKeys.load(home.resolve("keys").resolve("receipts.key"));
        KeyRotation.append(receipts(), forged, theirs, ReceiptKeys.fingerprint(theirs.publicKey()), real, instance(),
                Instant.now());

        CliRun start = aegis("start");
        assertThat(start.exitCode()).as(start.all()).isEqualTo(ExitCode.FAILED);
        assertThat(start.all()).contains("past the store's head").contains("did not write");
        assertThat(new DaemonStateFile(home.resolve("daemon.json")).read().filter(s -> ProcessHandle.of(s.pid())
                .map(ProcessHandle::isAlive).orElse(false))).isEmpty();
        CliRun verify = aegis("receipts", "verify");
        assertThat(verify.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(verify.out()).contains("unvouched rotation");
    }

    @Test
    void aReplacedSigningKeyStopsTheStart() throws Exception {
        Path keys = home.resolve("keys");
        Files.delete(keys.resolve("receipts.key"));
        Files.delete(keys.resolve("receipts.pub"));
        ReceiptKeys.loadOrCreate(keys.resolve("receipts.key"), keys.resolve("receipts.pub")); // a key from elsewhere

        CliRun start = aegis("start");
        assertThat(start.exitCode()).as(start.all()).isEqualTo(ExitCode.FAILED);
        assertThat(start.all()).contains("ends in receipts signed by key").contains("aegis receipts rotate");
    }

    /** keys/ restored from before a rotation: the trail ends in a rotation to another key than receipts.key. */
    @Test
    void aKeyFromBeforeTheTrailsLastRotationStopsTheStart() throws Exception {
        Path keys = home.resolve("keys");
        byte[] before = Files.readAllBytes(keys.resolve("receipts.key"));
        byte[] beforePub = Files.readAllBytes(keys.resolve("receipts.pub"));
        assertThat(aegis("receipts", "rotate").exitCode()).isZero();
        Files.write(keys.resolve("receipts.key"), before);
        Files.write(keys.resolve("receipts.pub"), beforePub);

        CliRun start = aegis("start");
        assertThat(start.exitCode()).as(start.all()).isEqualTo(ExitCode.FAILED);
        assertThat(start.all()).contains("ends in a rotation to key");
    }

    @Test
    void aRotatedKeyGoesOnWithTheTrail() throws Exception {
        CliRun rotate = aegis("receipts", "rotate");
        assertThat(rotate.exitCode()).as(rotate.all()).isZero();
        assertThat(aegis("start").exitCode()).isZero();
        assertThat(aegis("stop").exitCode()).isZero();
        CliRun verify = aegis("receipts", "verify");
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        try (Stream<Path> files = Files.list(receipts())) {
            assertThat(files.count()).isPositive();
        }
    }
}
