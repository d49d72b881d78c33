package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.control.DaemonStateFile;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.json.Json;
import dev.aegis.receipts.CanonicalJson;
import dev.aegis.receipts.ReceiptKeys;
import dev.aegis.receipts.Receipts;
import dev.aegis.store.Database;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end of the receipt trail and its signing key are evidence too (issue 25): a real daemon
 * writes five receipts and stops; each test tampers with a copy of that home the way someone with
 * the user's files could, and `aegis receipts verify` must notice.
 */
class ReceiptTrailEvidenceIT {

    private static FakeProvider fake;
    private static Map<String, String> env;
    @TempDir
    static Path shared;
    private static Path original;

    @TempDir
    Path temp;

    @BeforeAll
    static void fiveCalls() throws Exception {
        fake = FakeProvider.start();
        env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-p", "AEGIS_OPENAI_BASE_URL", fake.baseUrl()));
        original = shared.resolve("home");
        calls(original, 5);
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    /** Starts the daemon in {@code home}, makes {@code n} calls, stops it (receipts and rows flushed). */
    private static void calls(Path home, int n) throws Exception {
        CliRun start = CliRun.run(env, CliRun.args(home.toString(), "start", "--port", "0"));
        assertThat(start.exitCode()).as(start.all()).isZero();
        try {
            String key = Json.mapper().readTree(CliRun.run(env, CliRun.args(home.toString(), "keygen", "--name", "r", "--json")).out())
                    .path("key").asText();
            String url = new DaemonStateFile(home.resolve("daemon.json")).read().orElseThrow().url();
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < n; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
                        .header("x-api-key", key).POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
            }
        } finally {
            assertThat(CliRun.run(env, CliRun.args(home.toString(), "stop")).exitCode()).isZero();
        }
    }

    /** A copy of the home the five calls left, to tamper with. */
    private Path home() throws IOException {
        Path copy = Files.createTempDirectory(temp, "home");
        try (Stream<Path> all = Files.walk(original)) {
            for (Path p : all.sorted().toList()) {
                Path to = copy.resolve(original.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return copy;
    }

    private static CliRun aegis(Path home, String... args) {
        return CliRun.run(env, CliRun.args(home.toString(), args));
    }

    private static List<Path> trail(Path home) throws IOException {
        try (Stream<Path> s = Files.list(home.resolve("receipts"))) {
            return s.filter(Receipts::isReceiptFile).sorted().toList();
        }
    }

    private static void sql(Path home, String statement) {
        try (Database db = Database.open("jdbc:sqlite:" + home.resolve("aegis.db"))) {
            db.write(c -> {
                try (Statement st = c.createStatement()) {
                    st.executeUpdate(statement);
                }
                return null;
            });
        }
    }

    private static void dropLastLines(Path file, int n) throws IOException {
        List<String> lines = Files.readAllLines(file);
        Files.writeString(file, String.join("\n", lines.subList(0, lines.size() - n)) + (lines.size() > n ? "\n" : ""));
    }

    @Test
    void theTrailIsIntactAsWrittenAndEveryUsageRowNamesItsReceipt() throws Exception {
        Path home = home();
        CliRun verify = aegis(home, "receipts", "verify");
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        assertThat(verify.out()).contains("Intact: 5 receipts");
        try (Database db = Database.open("jdbc:sqlite:" + home.resolve("aegis.db"))) {
            List<Long> seqs = db.read(c -> {
                List<Long> out = new ArrayList<>();
                try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT receipt_seq FROM usage ORDER BY receipt_seq")) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
                return out;
            });
            assertThat(seqs).containsExactly(1L, 2L, 3L, 4L, 5L);
        }
    }

    @Test
    void aTrailCutShortIsMissingReceipts() throws Exception {
        Path home = home();
        Path newest = trail(home).getLast();
        dropLastLines(newest, 2);
        CliRun verify = aegis(home, "receipts", "verify");
        assertThat(verify.exitCode()).as(verify.all()).isEqualTo(ExitCode.FAILED);
        assertThat(verify.out()).contains("BROKEN at " + newest.getFileName() + ":4: missing: the trail ends at seq 3 but "
                + "the store's head is seq 5 (2 receipt(s) missing at the end)");
    }

    @Test
    void anEmptiedFolderIsMissingEveryReceipt() throws Exception {
        Path home = home();
        Path away = Files.createDirectories(temp.resolve("away"));
        for (Path f : trail(home)) {
            Files.move(f, away.resolve(f.getFileName()));
        }
        CliRun verify = aegis(home, "receipts", "verify");
        assertThat(verify.exitCode()).as(verify.all()).isEqualTo(ExitCode.FAILED);
        assertThat(verify.out()).contains("missing: the trail ends at seq 0 but the store's head is seq 5 (5 receipt(s) missing");
    }

    @Test
    void removingTheNewestFileIsNoticed() throws Exception {
        Path home = home();
        Path today = trail(home).getLast();
        List<String> lines = Files.readAllLines(today);
        // The last two receipts as if written the next day: the chain runs across files.
        Path tomorrow = today.resolveSibling("2999-12-31.jsonl");
        Files.writeString(today, String.join("\n", lines.subList(0, 3)) + "\n");
        Files.writeString(tomorrow, String.join("\n", lines.subList(3, 5)) + "\n");
        assertThat(aegis(home, "receipts", "verify").exitCode()).isZero();

        Files.delete(tomorrow);
        CliRun verify = aegis(home, "receipts", "verify");
        assertThat(verify.exitCode()).as(verify.all()).isEqualTo(ExitCode.FAILED);
        assertThat(verify.out()).contains("2 receipt(s) missing at the end");
    }

    @Test
    void usageRowsNameReceiptsTheTrailNoLongerHolds() throws Exception {
        Path home = home();
        dropLastLines(trail(home).getLast(), 1);
        sql(home, "DELETE FROM receipt_heads");
        CliRun verify = aegis(home, "receipts", "verify");
        assertThat(verify.exitCode()).as(verify.all()).isEqualTo(ExitCode.FAILED);
        assertThat(verify.out()).contains("missing: the trail ends at seq 4 but usage rows name receipts up to seq 5");
    }

    @Test
    void aSwappedKeyPairAndAReSignedTrailAreNoticed() throws Exception {
        Path home = home();
        String oldFingerprint = fingerprintLine(aegis(home, "receipts", "pubkey").out());
        ReceiptKeys.Pair forger = ReceiptKeys.generate();
        Path keys = home.resolve("keys");
        ReceiptKeys.save(forger, keys.resolve("receipts.key"), keys.resolve("receipts.pub"));
        reSign(trail(home), forger);
        // The trail is consistent in itself with the forged key...
        Path copy = Files.createDirectories(temp.resolve("copy"));
        for (Path f : trail(home)) {
            Files.copy(f, copy.resolve(f.getFileName()));
        }
        assertThat(aegis(home, "receipts", "verify", "--dir", copy.toString()).exitCode()).isZero();
        // ...but not with the store's head, nor with the key fingerprint someone kept.
        CliRun verify = aegis(home, "receipts", "verify");
        assertThat(verify.exitCode()).as(verify.all()).isEqualTo(ExitCode.FAILED);
        assertThat(verify.out()).contains(":5: replaced: the store's head names another receipt at seq 5");
        CliRun expect = aegis(home, "receipts", "verify", "--dir", copy.toString(), "--expect-key", oldFingerprint);
        assertThat(expect.exitCode()).as(expect.all()).isEqualTo(ExitCode.FAILED);
        assertThat(expect.out()).contains(":1: unexpected key: signed by " + ReceiptKeys.fingerprint(forger.publicKey())
                + ", not by " + oldFingerprint);
    }

    @Test
    void aCheckpointKeptElsewhereOutlivesACutAndAReSigning() throws Exception {
        Path home = home();
        CliRun checkpoint = aegis(home, "receipts", "checkpoint");
        assertThat(checkpoint.exitCode()).as(checkpoint.all()).isZero();
        assertThat(checkpoint.out().strip()).doesNotContain("\n").hasSizeLessThan(400).contains("\"seq\":5");
        Path kept = temp.resolve("checkpoint.json");
        Files.writeString(kept, checkpoint.out());
        assertThat(aegis(home, "receipts", "verify", "--checkpoint", kept.toString()).exitCode()).isZero();

        // Someone with the user's files cuts the trail and removes what the store knew of it.
        dropLastLines(trail(home).getLast(), 2);
        sql(home, "DELETE FROM receipt_heads");
        sql(home, "UPDATE usage SET receipt_seq = NULL");
        assertThat(aegis(home, "receipts", "verify").exitCode()).isZero();
        CliRun verify = aegis(home, "receipts", "verify", "--checkpoint", kept.toString());
        assertThat(verify.exitCode()).as(verify.all()).isEqualTo(ExitCode.FAILED);
        assertThat(verify.out()).contains("missing: the trail ends at seq 3 but the checkpoint names seq 5 (2 receipt(s) missing");

        // Or re-signs the whole trail (as long as the cut one) with a key of their own.
        Path resigned = home();
        ReceiptKeys.Pair forger = ReceiptKeys.generate();
        ReceiptKeys.save(forger, resigned.resolve("keys/receipts.key"), resigned.resolve("keys/receipts.pub"));
        reSign(trail(resigned), forger);
        sql(resigned, "DELETE FROM receipt_heads");
        CliRun forged = aegis(resigned, "receipts", "verify", "--checkpoint", kept.toString());
        assertThat(forged.exitCode()).as(forged.all()).isEqualTo(ExitCode.FAILED);
        assertThat(forged.out()).contains("unknown key: the checkpoint is signed by");
    }

    @Test
    void pubkeyIsDerivedFromThePrivateKeyAndNamesTheReceiptsKey() throws Exception {
        Path home = home();
        ReceiptKeys.save(ReceiptKeys.generate(), temp.resolve("other.key"), home.resolve("keys/receipts.pub"));
        CliRun pub = aegis(home, "receipts", "pubkey");
        assertThat(pub.exitCode()).isZero();
        TreeMap<String, Object> first = CanonicalJson.parse(Files.readAllLines(trail(home).getFirst()).getFirst());
        assertThat(fingerprintLine(pub.out())).isEqualTo(first.get("key"));
        Path exported = temp.resolve("exported.pub");
        Files.writeString(exported, pub.out());
        assertThat(ReceiptKeys.fingerprint(ReceiptKeys.readPublic(exported))).isEqualTo(first.get("key"));
    }

    @Test
    void aDeletedKeyIsNeverReplacedSilentlyAndRotateRecordsTheNewOne() throws Exception {
        Path home = home();
        Path key = home.resolve("keys/receipts.key");
        Files.delete(key);
        CliRun start = aegis(home, "start", "--port", "0");
        assertThat(start.exitCode()).as(start.all()).isNotZero();
        assertThat(start.all()).contains("receipts.key is missing").contains("aegis receipts rotate");
        assertThat(key).doesNotExist();

        CliRun rotate = aegis(home, "receipts", "rotate");
        assertThat(rotate.exitCode()).as(rotate.all()).isZero();
        assertThat(key).exists();
        calls(home, 1);
        CliRun verify = aegis(home, "receipts", "verify");
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        assertThat(verify.out()).contains("Intact: 7 receipts").contains("Key rotated at ")
                .contains("(not signed by the old key: it was missing)");
    }

    @Test
    void aRotationWithTheOldKeyIsSignedByItAndExpectKeyFollowsIt() throws Exception {
        Path home = home();
        String oldFingerprint = fingerprintLine(aegis(home, "receipts", "pubkey").out());
        assertThat(aegis(home, "receipts", "rotate").exitCode()).isZero();
        String newFingerprint = fingerprintLine(aegis(home, "receipts", "pubkey").out());
        assertThat(newFingerprint).isNotEqualTo(oldFingerprint);
        CliRun verify = aegis(home, "receipts", "verify");
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        assertThat(verify.out()).contains("Intact: 6 receipts").contains(oldFingerprint + " -> " + newFingerprint + " (signed by the old key)");
        assertThat(aegis(home, "receipts", "verify", "--expect-key", oldFingerprint).exitCode()).isZero();
        CliRun onlyNew = aegis(home, "receipts", "verify", "--expect-key", newFingerprint);
        assertThat(onlyNew.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(onlyNew.out()).contains(":1: unexpected key");
    }

    /**
     * A home whose trail was written before instance ids (no {@code instance} in its receipts, the
     * head under instance '', rows naming no instance) still verifies against its store, and its
     * daemon's next start continues the chain under the home's new instance id, head included.
     */
    @Test
    void aTrailFromBeforeInstanceIdsStillVerifiesAndItsDaemonContinuesIt() throws Exception {
        Path home = home();
        String lastHash = reSign(trail(home), ReceiptKeys.load(home.resolve("keys/receipts.key")), true);
        Files.delete(home.resolve("keys/receipts.instance"));
        sql(home, "UPDATE receipt_heads SET instance = '', hash = '" + lastHash + "'");
        sql(home, "UPDATE usage SET receipt_instance = NULL");
        CliRun legacy = aegis(home, "receipts", "verify");
        assertThat(legacy.exitCode()).as(legacy.all()).isZero();
        assertThat(legacy.out()).contains("Intact: 5 receipts");

        calls(home, 1);
        String instance = Files.readString(home.resolve("keys/receipts.instance")).strip();
        CliRun continued = aegis(home, "receipts", "verify");
        assertThat(continued.exitCode()).as(continued.all()).isZero();
        assertThat(continued.out()).contains("instance " + instance + ": Intact: 6 receipts");
        dropLastLines(trail(home).getLast(), 2);
        CliRun cut = aegis(home, "receipts", "verify");
        assertThat(cut.exitCode()).as(cut.all()).isEqualTo(ExitCode.FAILED);
        assertThat(cut.out()).contains("instance " + instance + ": BROKEN at ")
                .contains("missing: the trail ends at seq 4 but the store's head is seq 6 (2 receipt(s) missing at the end)");
    }

    @Test
    void aHeadRemovedWithTheTrailsEndLeavesTheNextStartAGapNotASecondSeq() throws Exception {
        Path home = home();
        dropLastLines(trail(home).getLast(), 2);
        sql(home, "DELETE FROM receipt_heads");
        calls(home, 1);
        List<String> lines = Files.readAllLines(trail(home).getLast());
        assertThat(lines).hasSize(4);
        assertThat(lines.getLast()).contains("\"seq\":6,"); // 4 and 5 are named by usage rows: never given again
        CliRun verify = aegis(home, "receipts", "verify");
        assertThat(verify.exitCode()).as(verify.all()).isEqualTo(ExitCode.FAILED);
        assertThat(verify.out()).contains(":4: missing");
    }

    @Test
    void aTrailOfAnotherInstanceInPlaceOfTheHomesIsNotIntact() throws Exception {
        Path home = home();
        String own = Files.readString(home.resolve("keys/receipts.instance")).strip();
        Files.writeString(home.resolve("keys/receipts.instance"), "00000000000000aa\n");
        CliRun verify = aegis(home, "receipts", "verify");
        assertThat(verify.exitCode()).as(verify.all()).isEqualTo(ExitCode.FAILED);
        assertThat(verify.out()).contains("BROKEN at ").contains("another instance: the receipt is of instance " + own
                + ", this home's daemon is instance 00000000000000aa");
    }

    @Test
    void anotherDaemonsFileAfterTheTrailIsNamedAnotherInstanceNotReordered() throws Exception {
        Path home = home();
        Path other = Files.createDirectories(temp.resolve("other"));
        calls(other, 1);
        Files.copy(trail(other).getLast(), home.resolve("receipts/2999-12-31.jsonl"));
        CliRun verify = aegis(home, "receipts", "verify");
        assertThat(verify.exitCode()).as(verify.all()).isEqualTo(ExitCode.FAILED);
        assertThat(verify.out()).contains("BROKEN at 2999-12-31.jsonl:1: another instance");
    }

    @Test
    void aLostInstanceFileIsTakenBackFromTheTrailNotMadeAnew() throws Exception {
        Path home = home();
        String own = Files.readString(home.resolve("keys/receipts.instance")).strip();
        Files.delete(home.resolve("keys/receipts.instance"));
        calls(home, 2);
        assertThat(Files.readString(home.resolve("keys/receipts.instance")).strip()).isEqualTo(own);
        CliRun verify = aegis(home, "receipts", "verify");
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        assertThat(verify.out()).contains("Intact: 7 receipts");
    }

    @Test
    void aLastReceiptThatLostOnlyItsNewlineIsKeptByTheNextStart() throws Exception {
        Path home = home();
        Path newest = trail(home).getLast();
        byte[] bytes = Files.readAllBytes(newest);
        Files.write(newest, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        assertThat(aegis(home, "receipts", "verify").exitCode()).isZero();
        calls(home, 1);
        CliRun verify = aegis(home, "receipts", "verify");
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        assertThat(verify.out()).contains("Intact: 6 receipts");
        try (Stream<Path> s = Files.list(home.resolve("receipts"))) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".torn"));
        }
    }

    private static String fingerprintLine(String pubkeyOut) {
        return pubkeyOut.lines().filter(l -> l.startsWith("fingerprint: ")).findFirst().orElseThrow()
                .substring("fingerprint: ".length());
    }

    /** What someone with the files and a key of their own can do: sign every receipt again, chain included. */
    private static void reSign(List<Path> files, ReceiptKeys.Pair forger) throws IOException {
        reSign(files, forger, false);
    }

    /** Signs every receipt again (without its instance id when {@code dropInstance}); the hash of the last line. */
    private static String reSign(List<Path> files, ReceiptKeys.Pair forger, boolean dropInstance) throws IOException {
        String prev = Receipts.GENESIS;
        for (Path f : files) {
            List<String> out = new ArrayList<>();
            for (String line : Files.readAllLines(f)) {
                TreeMap<String, Object> r = CanonicalJson.parse(line);
                r.remove("sig");
                if (dropInstance) {
                    r.remove("instance");
                }
                r.put("prev", prev);
                r.put("key", ReceiptKeys.fingerprint(forger.publicKey()));
                r.put("sig", ReceiptKeys.sign(forger, CanonicalJson.bytes(r)));
                String signed = new String(CanonicalJson.bytes(r), StandardCharsets.UTF_8);
                out.add(signed);
                prev = Receipts.hash(signed);
            }
            Files.writeString(f, String.join("\n", out) + "\n");
        }
        return prev;
    }

}
