package dev.aegis.receipts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.store.ReceiptHead;
import dev.aegis.store.UsageRow;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of tampering is reported precisely: file, line and reason. */
class ReceiptTrailTest {

    @TempDir
    Path temp;

    Path dir;
    ReceiptKeys.Pair keys;
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-20T10:00:00Z"));
    InstantSource clock = () -> now.get();
    /** The log that wrote the three days, still open (as a running daemon's is). */
    ReceiptLog log;

    @BeforeEach
    void writeThreeDays() throws Exception {
        dir = temp.resolve("receipts");
        keys = ReceiptKeys.loadOrCreate(temp.resolve("keys/receipts.key"), temp.resolve("keys/receipts.pub"));
        log = ReceiptLog.open(dir, keys, "0123456789abcdef", clock);
        for (int day = 0; day < 3; day++) {
            List<ReceiptInput> batch = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                batch.add(input("req-" + day + "-" + i, 1000L * (i + 1)));
            }
            log.append(batch);
            now.set(now.get().plus(Duration.ofDays(1)));
        }
    }

    private static ReceiptInput input(String id, long costNanos) {
        UsageRow row = new UsageRow(1_763_600_000_000L, id, "k1", "default", null, "/v1/responses", "gpt-4o-mini",
                "gpt-4o-mini", "openai", 200, null, 21, 5, 0, 5, 2, costNanos, false, "2026-07-24.1", 12.5, 3.0, true, true);
        return new ReceiptInput(row, "{\"model\":\"gpt-4o-mini\"}".getBytes(StandardCharsets.UTF_8), null, "ab".repeat(32));
    }

    private VerifyResult verify() throws Exception {
        return new ReceiptVerifier(keys.publicKey()).verify(dir);
    }

    private Path day(int n) {
        return dir.resolve("2026-11-2" + n + ".jsonl");
    }

    private List<String> lines(Path file) throws Exception {
        return new ArrayList<>(Files.readAllLines(file));
    }

    private void write(Path file, List<String> lines) throws Exception {
        Files.writeString(file, String.join("\n", lines) + "\n");
    }

    @Test
    void intactTrailIsCounted() throws Exception {
        VerifyResult r = verify();
        assertThat(r.intact()).isTrue();
        assertThat(r.receipts()).isEqualTo(12);
        assertThat(r.files()).isEqualTo(3);
        String first = Files.readAllLines(day(0)).getFirst();
        assertThat(first).contains("\"seq\":1", "\"prev\":\"" + Receipts.GENESIS + "\"", "\"cost_usd\":\"0.000001\"",
                "\"request_sha256\":", "\"sig\":").doesNotContain("gpt-4o-mini\\\"}");
    }

    @Test
    void changedFieldIsABadSignature() throws Exception {
        List<String> l = lines(day(1));
        l.set(2, l.get(2).replace("\"cost_usd\":\"0.000003\"", "\"cost_usd\":\"0.000000\""));
        write(day(1), l);

        assertThat(verify()).satisfies(r -> {
            assertThat(r.intact()).isFalse();
            assertThat(r.file() + ":" + r.line()).isEqualTo("2026-11-21.jsonl:3");
            assertThat(r.reason()).startsWith("bad signature");
            assertThat(r.receipts()).isEqualTo(6);
        });
    }

    @Test
    void deletedLineIsMissing() throws Exception {
        List<String> l = lines(day(1));
        l.remove(1);
        write(day(1), l);

        VerifyResult r = verify();
        assertThat(r.file() + ":" + r.line()).isEqualTo("2026-11-21.jsonl:2");
        assertThat(r.reason()).startsWith("missing: expected seq 6 but found seq 7");
    }

    @Test
    void swappedLinesAreReordered() throws Exception {
        List<String> l = lines(day(2));
        String a = l.get(1);
        l.set(1, l.get(2));
        l.set(2, a);
        write(day(2), l);

        VerifyResult r = verify();
        assertThat(r.file() + ":" + r.line()).isEqualTo("2026-11-22.jsonl:2");
        assertThat(r.reason()).startsWith("reordered");
    }

    @Test
    void deletedMiddleDayFileIsMissing() throws Exception {
        Files.delete(day(1));

        VerifyResult r = verify();
        assertThat(r.file() + ":" + r.line()).isEqualTo("2026-11-22.jsonl:1");
        assertThat(r.reason()).startsWith("missing: expected seq 5 but found seq 9");
    }

    @Test
    void signatureForgedWithAnotherKeyIsBad() throws Exception {
        ReceiptKeys.Pair other = ReceiptKeys.loadOrCreate(temp.resolve("other.key"), temp.resolve("other.pub"));
        List<String> l = lines(day(0));
        TreeMap<String, Object> receipt = CanonicalJson.parse(l.get(0));
        receipt.remove("sig");
        receipt.put("cost_usd", "0");
        receipt.put("sig", ReceiptKeys.sign(other, CanonicalJson.bytes(receipt)));
        l.set(0, new String(CanonicalJson.bytes(receipt), StandardCharsets.UTF_8));
        write(day(0), l);

        VerifyResult r = verify();
        assertThat(r.file() + ":" + r.line()).isEqualTo("2026-11-20.jsonl:1");
        assertThat(r.reason()).startsWith("bad signature");
    }

    @Test
    void truncatedLastLineIsReportedAndTheLogResumesPastIt() throws Exception {
        String content = Files.readString(day(2));
        Files.writeString(day(2), content.substring(0, content.length() - 30));

        VerifyResult torn = verify();
        assertThat(torn.file() + ":" + torn.line()).isEqualTo("2026-11-22.jsonl:4");
        assertThat(torn.reason()).startsWith("truncated");

        // The daemon restarting after that crash sets the torn line aside and resumes the chain.
        ReceiptLog resumed = ReceiptLog.open(dir, keys, "0123456789abcdef", clock);
        resumed.append(List.of(input("after-crash", 1)));
        VerifyResult r = verify();
        assertThat(r.intact()).isTrue();
        assertThat(r.receipts()).isEqualTo(12);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".torn"));
        }
    }

    @Test
    void aNewDaysFileHoldingOnlyATornReceiptResumesFromTheDayBefore() throws Exception {
        // A crash in the middle of a new day's first write: that file has no complete receipt.
        String last = lines(day(2)).getLast();
        Files.writeString(dir.resolve("2026-11-23.jsonl"), "{\"seq\":13,\"id\":\"req-cut");

        ReceiptLog resumed = ReceiptLog.open(dir, keys, "0123456789abcdef", clock);
        assertThat(resumed.head().seq()).isEqualTo(12);
        assertThat(resumed.head().hash()).isEqualTo(Receipts.hash(last));
        assertThat(Files.size(dir.resolve("2026-11-23.jsonl"))).as("the torn bytes set aside").isZero();
    }

    @Test
    void aDayFileOfGigabytesIsResumedFromItsEndAndWalkedWithoutBeingReadWhole() throws Exception {
        // A busy daemon's day: 3 GB before the day's receipts (a hole in the file, nothing on disk). Read
        // whole, a start held the file in memory twice (a 1 GB day took 17 s and 3.4 GB), and a file
        // over 2 GB could not be read at all.
        List<String> l = lines(day(2));
        try (FileChannel ch = FileChannel.open(day(2), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(("\n" + String.join("\n", l) + "\n").getBytes(StandardCharsets.UTF_8)), 3L << 30);
        }
        assertThat(Files.size(day(2))).isGreaterThan(3L << 30);

        ReceiptLog resumed = ReceiptLog.open(dir, keys, "0123456789abcdef", clock);
        assertThat(resumed.head().seq()).isEqualTo(12);
        assertThat(resumed.head().hash()).isEqualTo(Receipts.hash(l.getLast()));

        // The walk reads the file a block at a time: the hole's zeros are the first line, and unparsable.
        VerifyResult r = verify();
        assertThat(r.intact()).isFalse();
        assertThat(r.where()).isEqualTo("2026-11-22.jsonl:1");
        assertThat(r.reason()).startsWith("unparsable");
    }

    @Test
    void aDaemonRestartedAfterTheTailWasCutKeepsTheGapVisible() throws Exception {
        ReceiptHead storedHead = ReceiptLog.open(dir, keys, "0123456789abcdef", clock).head();
        assertThat(storedHead.seq()).isEqualTo(12);
        List<String> l = lines(day(2));
        Files.writeString(day(2), String.join("\n", l.subList(0, 2)) + "\n");

        ReceiptLog resumed = ReceiptLog.open(dir, keys, "0123456789abcdef", clock, java.util.Optional.of(storedHead), 0);
        resumed.append(new ArrayList<>(List.of(input("after-cut", 1))));
        assertThat(resumed.head().seq()).as("continues after the stored head, not the cut trail").isEqualTo(13);
        VerifyResult r = verify();
        assertThat(r.intact()).isFalse();
        assertThat(r.where()).isEqualTo("2026-11-23.jsonl:1");
        assertThat(r.reason()).isEqualTo("missing: expected seq 11 but found seq 13 (2 receipt(s) deleted)");
    }

    @Test
    void aTrailWhoseLastSeqCannotBeReadResumesAfterTheStoredHeadAndChainsOnFromThatLine() throws Exception {
        ReceiptHead storedHead = ReceiptLog.open(dir, keys, "0123456789abcdef", clock).head();
        List<String> l = lines(day(2));
        String last = l.getLast();
        l.set(l.size() - 1, last.replaceFirst("\"seq\":\\d+", "\"seq\":99999999999999999999"));
        write(day(2), l);
        assertThat(ReceiptLog.trailEnd(dir).seq()).isEqualTo(ReceiptLog.UNREADABLE_SEQ);

        ReceiptLog resumed = ReceiptLog.open(dir, keys, "0123456789abcdef", clock, java.util.Optional.of(storedHead), 0);
        resumed.append(new ArrayList<>(List.of(input("after-edit", 1))));
        assertThat(resumed.head().seq()).as("continues after the stored head").isEqualTo(13);
        VerifyResult r = verify();
        assertThat(r.intact()).isFalse();
        assertThat(r.file() + ":" + r.line()).as(r.reason()).isEqualTo("2026-11-22.jsonl:" + l.size());
        assertThat(r.reason()).doesNotStartWith("missing");
    }

    @Test
    void aLineWithNulBytesIsUnparsableNotACrash() throws Exception {
        // Found by ReceiptLinesFuzzTest: NUL bytes made the parser read the line as UTF-32 and throw.
        List<String> l = lines(day(0));
        l.set(1, "{\u0000\u0000\u0000" + l.get(1).substring(1));
        write(day(0), l);

        VerifyResult r = verify();
        assertThat(r.file() + ":" + r.line()).isEqualTo("2026-11-20.jsonl:2");
        assertThat(r.reason()).startsWith("unparsable");
    }

    @Test
    void garbageLineIsUnparsable() throws Exception {
        List<String> l = lines(day(0));
        l.set(1, "{not json");
        write(day(0), l);

        VerifyResult r = verify();
        assertThat(r.file() + ":" + r.line()).isEqualTo("2026-11-20.jsonl:2");
        assertThat(r.reason()).startsWith("unparsable");
    }

    /** A changed byte in the signature: the receipt's content is intact, its signature is not. */
    private static String badSignature(String line) {
        int at = line.indexOf("\"sig\":\"") + 7;
        return line.substring(0, at) + (line.charAt(at) == 'A' ? 'B' : 'A') + line.substring(at + 1);
    }

    @Test
    void theEarliestProblemIsNamedWhileSignaturesAreCheckedInParallel() throws Exception {
        // A long day (several chunks of signature checks): two bad signatures and a chain break after them.
        ReceiptLog log = ReceiptLog.open(dir, keys, "0123456789abcdef", clock);
        List<ReceiptInput> batch = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            batch.add(input("long-" + i, i + 1));
        }
        log.append(batch);
        Path last = day(3);
        List<String> l = lines(last);
        l.set(699, badSignature(l.get(699)));
        l.set(299, badSignature(l.get(299)));
        l.remove(899);
        write(last, l);

        for (int threads : new int[] {1, 2, 4}) {
            VerifyResult r = new ReceiptVerifier(keys.publicKey(), threads).verify(dir);
            assertThat(r.file() + ":" + r.line()).as("%d threads", threads).isEqualTo("2026-11-23.jsonl:300");
            assertThat(r.reason()).startsWith("bad signature");
            assertThat(r.receipts()).isEqualTo(12 + 299);
        }
    }

    @Test
    void aReformattedLineNoLongerVerifies() throws Exception {
        List<String> l = lines(day(0));
        l.set(3, l.get(3).replace("\"seq\":4", "\"seq\": 4"));
        write(day(0), l);

        VerifyResult r = verify();
        assertThat(r.file() + ":" + r.line()).isEqualTo("2026-11-20.jsonl:4");
        assertThat(r.reason()).startsWith("bad signature");
    }

    @Test
    void eachDayOfARunningLogHasItsFileAndANewDayOpensANewOne() throws Exception {
        assertThat(lines(day(0))).hasSize(4);
        assertThat(lines(day(1))).hasSize(4);
        assertThat(lines(day(2))).hasSize(4);
        now.set(Instant.parse("2026-11-23T23:59:59.999Z"));
        log.append(new ArrayList<>(List.of(input("before-midnight", 1))));
        now.set(Instant.parse("2026-11-24T00:00:00Z"));
        log.append(new ArrayList<>(List.of(input("after-midnight", 1))));

        assertThat(lines(day(3))).singleElement().asString().contains("\"id\":\"before-midnight\"", "\"seq\":13");
        assertThat(lines(day(4))).singleElement().asString().contains("\"id\":\"after-midnight\"", "\"seq\":14");
        assertThat(verify().intact()).isTrue();
        assertThat(verify().receipts()).isEqualTo(14);
    }

    @Test
    void aDayFileDeletedWhileTheLogRunsIsCreatedAgainForTheNextReceipts() throws Exception {
        log.append(new ArrayList<>(List.of(input("first", 1))));
        assertThat(lines(day(3))).hasSize(1);
        Files.delete(day(3));

        log.append(new ArrayList<>(List.of(input("after-delete", 1))));

        assertThat(lines(day(3))).as("written to the day's path, not to the deleted file still open")
                .singleElement().asString().contains("\"id\":\"after-delete\"", "\"seq\":14");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(day(3))))
                .isEqualTo("rw-------");
        VerifyResult r = verify();
        assertThat(r.intact()).as("the deleted receipt is a visible gap").isFalse();
        assertThat(r.reason()).startsWith("missing: expected seq 13 but found seq 14");
    }

    @Test
    void aDayFileMovedAsideWhileTheLogRunsIsNotWrittenToAgain() throws Exception {
        log.append(new ArrayList<>(List.of(input("first", 1))));
        Path rotated = dir.resolve("rotated-2026-11-23.jsonl.1");
        Files.move(day(3), rotated);

        log.append(new ArrayList<>(List.of(input("after-move", 1))));
        log.append(new ArrayList<>(List.of(input("next", 1))));

        assertThat(lines(rotated)).singleElement().asString().contains("\"id\":\"first\"");
        assertThat(lines(day(3))).hasSize(2);
        assertThat(lines(day(3)).getFirst()).contains("\"id\":\"after-move\"", "\"seq\":14");
        Files.move(rotated, dir.resolve("2026-11-22b.jsonl.old"));
        Files.writeString(day(3), Files.readString(dir.resolve("2026-11-22b.jsonl.old")) + Files.readString(day(3)));
        assertThat(verify().intact()).as("moved back in front, the chain is whole").isTrue();
        assertThat(verify().receipts()).isEqualTo(15);
    }

    /** A start after a kill between signing and storing: the rows of the receipts past the store's head, across day files. */
    @Test
    void theRowsOfReceiptsPastTheStoresHeadAreReadBackFromTheTrailsEnd() throws Exception {
        // Twelve receipts over three days' files; the store recorded up to seq 6 (the second day's second).
        ReceiptRows.Recovered recovered = ReceiptRows.pastHead(dir, 6, "0123456789abcdef", keys.publicKey());
        assertThat(recovered.firstSeq()).isEqualTo(7);
        assertThat(recovered.rows()).extracting(UsageRow::requestId)
                .containsExactly("req-1-2", "req-1-3", "req-2-0", "req-2-1", "req-2-2", "req-2-3");
        UsageRow row = recovered.rows().getFirst();
        assertThat(row.costNanos()).isEqualTo(3000);
        assertThat(row.keyId()).isEqualTo("k1");
        assertThat(row.model()).isEqualTo("gpt-4o-mini");
        assertThat(row.inputTokens()).isEqualTo(21);
        assertThat(row.cachedInputTokens()).isEqualTo(5);
        assertThat(row.outputTokens()).isEqualTo(5);
        assertThat(row.reasoningTokens()).isEqualTo(2);
        assertThat(row.tsMillis()).isEqualTo(1_763_600_000_000L);
        assertThat(row.status()).isEqualTo(200);
        assertThat(row.streamed()).isTrue();
        assertThat(recovered.head()).isEqualTo(log.head());

        assertThat(ReceiptRows.pastHead(dir, 12, "0123456789abcdef", keys.publicKey()).isEmpty()).as("nothing past").isTrue();
        // Receipts past the head that this daemon did not write stop its start (it would vouch for them by going on).
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReceiptRows.pastHead(dir, 6, "another-instance", keys.publicKey()))
                .isInstanceOf(ReceiptRows.NotOurs.class).hasMessageContaining("of another instance");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReceiptRows.pastHead(dir, 6, "0123456789abcdef",
                ReceiptKeys.generate().publicKey())).isInstanceOf(ReceiptRows.NotOurs.class)
                .hasMessageContaining("does not verify with this daemon's key");
    }

    /**
     * A rotation signed by its own new key (the old key lost) counts only where the store's head or a checkpoint reaches
     * it: appended past the head, it let anyone go on with receipts of a key of their own (found by a review).
     */
    @Test
    void aRotationSignedByItsOwnNewKeyCountsOnlyWhereTheStoreReachesIt() throws Exception {
        ReceiptHead end = log.head();
        log.close();
        ReceiptKeys.Pair theirs = ReceiptKeys.generate();
        ReceiptHead rotated = KeyRotation.append(dir, end, null, end.keyFingerprint(), theirs, "0123456789abcdef", now.get());
        ReceiptVerifier verifier = new ReceiptVerifier(List.of(keys.publicKey()), 2);

        VerifyResult pastTheHead = verifier.verify(dir, new ReceiptVerifier.Expectations(end, 0, null, java.util.Set.of()));
        assertThat(pastTheHead.intact()).isFalse();
        assertThat(pastTheHead.reason()).startsWith("unvouched rotation");
        assertThat(pastTheHead.receipts()).isEqualTo(end.seq());

        VerifyResult reached = verifier.verify(dir, new ReceiptVerifier.Expectations(rotated, 0, null, java.util.Set.of()));
        assertThat(reached.intact()).as("%s", reached).isTrue();
        assertThat(reached.rotations()).singleElement().asString().contains("not signed by the old key");
    }

    /**
     * A whole trail begun with a rotation signed by its own new key, checked with the real key and nothing else (`--dir
     * --pubkey`): the rotation vouches for nothing, so it is not a trail of that key (an outside review re-signed a
     * whole trail so and it verified Intact).
     */
    @Test
    void aTrailBegunWithARotationSignedByItsOwnNewKeyIsNotVouchedFor() throws Exception {
        log.close();
        Path forged = temp.resolve("forged");
        Files.createDirectories(forged);
        ReceiptKeys.Pair theirs = ReceiptKeys.generate();
        ReceiptHead rotated = KeyRotation.append(forged, new ReceiptHead(0, Receipts.GENESIS, null), null, null, theirs,
                "0123456789abcdef", now.get());
        ReceiptVerifier verifier = new ReceiptVerifier(List.of(keys.publicKey()), 2);

        VerifyResult alone = verifier.verify(forged, new ReceiptVerifier.Expectations(null, 0, null, java.util.Set.of()));
        assertThat(alone.intact()).as("%s", alone).isFalse();
        assertThat(alone.reason()).startsWith("unvouched rotation");
        VerifyResult vouched = verifier.verify(forged, new ReceiptVerifier.Expectations(rotated, 0, null, java.util.Set.of()));
        assertThat(vouched.intact()).as("reached by the store's head, it counts: %s", vouched).isTrue();
    }
}
