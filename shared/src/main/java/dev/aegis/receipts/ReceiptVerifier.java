package dev.aegis.receipts;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Walks every receipt file in date order and checks each line: it parses, its {@code seq} is the
 * next one, its {@code prev} is the SHA-256 of the line before (across files), and its signature
 * verifies. Stops at the first bad receipt and says where and why. Runs offline.
 *
 * <p>Signatures are the slow part and independent of each other: they are checked in batches of
 * 128 on every core ({@link SignatureChecks}, {@link Ed25519Batch}) while this thread reads, parses
 * ({@link ReceiptLine}, one streaming pass) and hashes the lines. A problem in the chain is reported
 * only after every signature before it has been checked, so the earliest problem is the one named.
 */
public final class ReceiptVerifier {

    /**
     * What the trail must hold beyond being consistent in itself.
     *
     * @param storedHead the head the store remembers (the trail must reach it, with the same hash), or null
     * @param usageReceipts the highest receipt seq a usage row names (the trail must reach it); 0 for none
     * @param checkpoint a checkpoint kept elsewhere (the trail must hold its receipt, same hash), or null
     * @param expectKeys fingerprints every receipt must be signed with; empty for any known key
     * @param instance the instance every receipt that names one must name (a home's own daemon), or null
     * @param endKey the fingerprint of the key the trail's last receipt must be signed by (a home's own key: the
     *     hash chain pins every line before a receipt it signed, so a key trusted only for older receipts, a
     *     retired key's file, cannot vouch for a trail re-signed to its end), or null
     */
    public record Expectations(dev.aegis.store.ReceiptHead storedHead, long usageReceipts, Checkpoint checkpoint,
            Set<String> expectKeys, String instance, String endKey) {
        public static final Expectations NONE = new Expectations(null, 0, null, Set.of());

        public Expectations(dev.aegis.store.ReceiptHead storedHead, long usageReceipts, Checkpoint checkpoint,
                Set<String> expectKeys) {
            this(storedHead, usageReceipts, checkpoint, expectKeys, null, null);
        }
    }

    /** Known public keys by fingerprint; the first also checks receipts that name no key (written before keys were named). */
    private final Map<String, TrailKey> keys = new LinkedHashMap<>();
    private final int threads;

    public ReceiptVerifier(ReceiptKeys.ReceiptPublicKey key) {
        this(key, Runtime.getRuntime().availableProcessors());
    }

    /** @param threads how many threads check signatures */
    public ReceiptVerifier(ReceiptKeys.ReceiptPublicKey key, int threads) {
        this(List.of(key), threads);
    }

    /**
     * @param known the public keys the trail may be signed with (a rotation receipt adds the key it
     *     announces); the first also checks receipts that name no key
     */
    public ReceiptVerifier(List<ReceiptKeys.ReceiptPublicKey> known, int threads) {
        for (ReceiptKeys.ReceiptPublicKey k : known) {
            TrailKey t = TrailKey.of(k);
            keys.putIfAbsent(t.fingerprint(), t);
        }
        this.threads = Math.max(1, threads);
    }

    public VerifyResult verify(Path dir) throws IOException {
        return verify(dir, Expectations.NONE);
    }

    public VerifyResult verify(Path dir, Expectations expect) throws IOException {
        return verify(ReceiptTrail.folder(dir), expect);
    }

    /** Verifies one daemon's trail; the result names its instance. */
    public VerifyResult verify(ReceiptTrail trail, Expectations expect) throws IOException {
        return check(trail.where(), trail.files(), expect).of(trail.instance());
    }

    private VerifyResult check(Path dir, List<Path> files, Expectations expect) throws IOException {
        if (expect.checkpoint() != null) {
            TrailKey signer = keys.get(expect.checkpoint().key());
            if (signer == null || !expect.checkpoint().signedBy(signer.key())) {
                return VerifyResult.broken(0, files.size(), "checkpoint", 0, signer == null
                        ? "unknown key: the checkpoint is signed by " + expect.checkpoint().key() + ", a key this trail does not know"
                        : "bad signature: the checkpoint was changed or signed with another key");
            }
        }
        TrailKey first = keys.isEmpty() ? null : keys.values().iterator().next();
        try (SignatureChecks checks = new SignatureChecks(first, threads)) {
            VerifyResult walked = walk(files, checks, expect, new HashMap<>(keys));
            return walked.intact() ? tail(dir, files, walked, expect) : walked;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("verification was interrupted", e);
        }
    }

    private VerifyResult walk(List<Path> files, SignatureChecks checks, Expectations expect, Map<String, TrailKey> known)
            throws IOException, InterruptedException {
        MessageDigest sha256 = Receipts.sha256();
        HexFormat hex = HexFormat.of();
        long good = 0;
        long expectedSeq = 1;
        String prevHash = Receipts.GENESIS;
        TrailKey current = null;
        KeyRun currentRun = null;
        String instance = null;
        List<String> rotations = new ArrayList<>();
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            String name = file.getFileName().toString();
            try (FileLines lines = new FileLines(file)) {
                for (int i = 0; lines.next(); i++) {
                    byte[] content = lines.buffer();
                    int from = lines.from();
                    int to = lines.to();
                    boolean tornCandidate = f == files.size() - 1 && lines.torn();
                    ReceiptLine receipt;
                    try {
                        receipt = ReceiptLine.parse(content, from, to);
                    } catch (JsonProcessingException e) {
                        return firstBadOr(checks, files.size(), VerifyResult.broken(good, files.size(), name, i + 1, tornCandidate
                                ? "truncated: the last line is incomplete (a torn write)"
                                : "unparsable: not a JSON receipt"));
                    }
                    if (receipt.seq() == null || receipt.prev() == null || receipt.sig() == null) {
                        return firstBadOr(checks, files.size(),
                                VerifyResult.broken(good, files.size(), name, i + 1, "unparsable: seq, prev or sig is missing"));
                    }
                    String otherInstance = expect.instance() != null && receipt.instance() != null
                            && !expect.instance().equals(receipt.instance())
                            ? "another instance: the receipt is of instance " + receipt.instance() + ", this home's daemon is "
                                    + "instance " + expect.instance()
                            : otherInstance(receipt.instance(), instance);
                    if (otherInstance != null) {
                        return firstBadOr(checks, files.size(), VerifyResult.broken(good, files.size(), name, i + 1, otherInstance));
                    }
                    long seq = receipt.seq();
                    if (seq != expectedSeq || !receipt.prev().equals(prevHash)) {
                        return firstBadOr(checks, files.size(), VerifyResult.broken(good, files.size(), name, i + 1,
                                seq != expectedSeq
                                        ? seqProblem(file, i, seq, expectedSeq)
                                        : "broken chain: prev is not the hash of the receipt before it"));
                    }
                    instance = receipt.instance();
                    KeyStep step = signingKey(receipt, current, known);
                    if (step.problem() == null && !expect.expectKeys().isEmpty()
                            && !expect.expectKeys().contains(step.key().fingerprint())) {
                        step = KeyStep.problem("unexpected key: signed by " + step.key().fingerprint() + ", not by "
                                + String.join(" or ", expect.expectKeys()));
                    }
                    if (step.problem() == null && step.rotatesTo() != null && step.key() == step.rotatesTo()
                            && !vouched(expect, seq)) {
                        // A rotation signed by its own new key (the old one lost) vouches for nothing by itself: anyone
                        // could append one and go on with receipts of a key of their own, or begin a whole trail with one
                        // (checked with --dir and the real key, it verified: an outside review). It counts when the
                        // store's head or a checkpoint reaches it (`aegis receipts rotate` moves the head to it).
                        step = KeyStep.problem("unvouched rotation: signed by its own new key " + step.rotatesTo().fingerprint()
                                + ", and neither the store's head nor a checkpoint reaches it");
                    }
                    if (step.problem() != null) {
                        return firstBadOr(checks, files.size(), VerifyResult.broken(good, files.size(), name, i + 1, step.problem()));
                    }
                    checks.add(new SignatureChecks.Signed(name, i + 1, good, receipt.signed(), receipt.sig()), step.key());
                    if (checks.badSeen()) {
                        return firstBadOr(checks, files.size(), null);
                    }
                    TrailKey before = current;
                    if (step.rotatesTo() != null) {
                        rotations.add(name + ":" + (i + 1) + " " + (current == null ? "(none)" : current.fingerprint()) + " -> "
                                + step.rotatesTo().fingerprint() + (step.key() == step.rotatesTo()
                                        ? " (not signed by the old key: it was missing)" : " (signed by the old key)"));
                        current = step.rotatesTo();
                    } else {
                        current = step.key();
                    }
                    if (current != before) {
                        currentRun = new KeyRun(name, i + 1, good);
                    }
                    sha256.update(content, from, to - from);
                    prevHash = hex.formatHex(sha256.digest());
                    String replaced = replaced(expect, seq, prevHash);
                    if (replaced != null) {
                        return firstBadOr(checks, files.size(), VerifyResult.broken(good, files.size(), name, i + 1, replaced));
                    }
                    expectedSeq = seq + 1;
                    good++;
                }
            }
        }
        if (expect.endKey() != null && current != null && !expect.endKey().equals(current.fingerprint())) {
            return firstBadOr(checks, files.size(), VerifyResult.broken(currentRun.before(), files.size(), currentRun.file(),
                    currentRun.line(), "another key at the end: the receipts from here on are signed by " + current.fingerprint()
                            + ", not by this home's key " + expect.endKey() + " (a trail re-signed with a key trusted only for"
                            + " older receipts, a retired key's file, ends so; a copy made before a rotation: give its key with"
                            + " --pubkey)"));
        }
        return firstBadOr(checks, files.size(), VerifyResult.intact(good, files.size(), expectedSeq - 1, prevHash,
                current == null ? null : current.fingerprint(), rotations));
    }

    /** Whether the store's head or the checkpoint is at or past {@code seq}: the chain back from it pins that line. */
    private static boolean vouched(Expectations expect, long seq) {
        return expect.storedHead() != null && expect.storedHead().seq() >= seq
                || expect.checkpoint() != null && expect.checkpoint().seq() >= seq;
    }

    /** Where the trail's current key began signing: its first receipt's file and line, and how many came before. */
    private record KeyRun(String file, int line, long before) {
    }

    /**
     * Why a receipt naming {@code instance} cannot follow receipts of {@code trailInstance}: one chain
     * is one daemon's; receipts without an instance (written before instance ids) may only come first.
     */
    private static String otherInstance(String instance, String trailInstance) {
        if (trailInstance == null || trailInstance.equals(instance)) {
            return null;
        }
        return "another instance: the receipt is " + (instance == null ? "of no instance" : "of instance " + instance)
                + " while the trail's is " + trailInstance + " (two daemons' receipts in one chain)";
    }

    /** Which key must have signed a receipt, and the key it rotates to, or why none fits. */
    private record KeyStep(TrailKey key, TrailKey rotatesTo, String problem) {
        static KeyStep problem(String why) {
            return new KeyStep(null, null, why);
        }
    }

    private KeyStep signingKey(ReceiptLine receipt, TrailKey current, Map<String, TrailKey> known) {
        TrailKey next = null;
        if ("rotation".equals(receipt.type())) {
            ReceiptKeys.ReceiptPublicKey announced = receipt.newKey() == null ? null : ReceiptKeys.fromBase64(receipt.newKey());
            if (announced == null) {
                return KeyStep.problem("unparsable: a rotation receipt without a valid new_key");
            }
            next = known.computeIfAbsent(ReceiptKeys.fingerprint(announced), fp -> TrailKey.of(announced));
            if (next.fingerprint().equals(receipt.key())) {
                return new KeyStep(next, next, null); // the old key was missing: the new one signs its own rotation
            }
        }
        TrailKey signer;
        if (receipt.key() == null) {
            signer = current != null ? current : known.isEmpty() ? null : keys.values().iterator().next();
            if (signer == null) {
                return KeyStep.problem("unknown key: the receipt names no key and none was given (--pubkey)");
            }
        } else {
            signer = known.get(receipt.key());
            if (signer == null) {
                return KeyStep.problem("unknown key: signed by " + receipt.key() + ", for which no public key was given (--pubkey)");
            }
        }
        if (current != null && signer != current) {
            return KeyStep.problem("another key: signed by " + signer.fingerprint() + " while the trail's key is "
                    + current.fingerprint() + " and no rotation receipt changed it");
        }
        return new KeyStep(signer, next, null);
    }

    /** Why the receipt of {@code seq}, whose line hashes to {@code hash}, is not the one the store or checkpoint names. */
    private static String replaced(Expectations expect, long seq, String hash) {
        if (expect.storedHead() != null && expect.storedHead().seq() == seq && !expect.storedHead().hash().equals(hash)) {
            return "replaced: the store's head names another receipt at seq " + seq + " (the trail was rewritten or re-signed)";
        }
        if (expect.checkpoint() != null && expect.checkpoint().seq() == seq && !expect.checkpoint().hash().equals(hash)) {
            return "replaced: the checkpoint names another receipt at seq " + seq + " (the trail was rewritten or re-signed)";
        }
        return null;
    }

    /** An intact trail must still reach every receipt the store, the usage rows and the checkpoint know of. */
    private static VerifyResult tail(Path dir, List<Path> files, VerifyResult walked, Expectations expect) throws IOException {
        long last = walked.lastSeq();
        String problem = null;
        if (expect.checkpoint() != null && expect.checkpoint().seq() > last) {
            problem = missing(last, expect.checkpoint().seq(), "the checkpoint names seq " + expect.checkpoint().seq());
        } else if (expect.storedHead() != null && expect.storedHead().seq() > last) {
            problem = missing(last, expect.storedHead().seq(), "the store's head is seq " + expect.storedHead().seq());
        } else if (expect.usageReceipts() > last) {
            problem = missing(last, expect.usageReceipts(), "usage rows name receipts up to seq " + expect.usageReceipts());
        }
        if (problem == null) {
            return walked;
        }
        if (files.isEmpty()) {
            return VerifyResult.broken(walked.receipts(), 0, dir.toString(), 0, problem);
        }
        Path newest = files.getLast();
        return VerifyResult.broken(walked.receipts(), files.size(), newest.getFileName().toString(),
                lineCount(newest) + 1, problem);
    }

    private static String missing(long last, long known, String source) {
        return "missing: the trail ends at seq " + last + " but " + source + " (" + (known - last)
                + " receipt(s) missing at the end)";
    }

    /** The first bad signature among receipts already chain-checked, which comes before {@code otherwise}. */
    private static VerifyResult firstBadOr(SignatureChecks checks, int files, VerifyResult otherwise) throws InterruptedException {
        SignatureChecks.Signed bad = checks.firstBad();
        return bad == null ? otherwise : VerifyResult.broken(bad.before(), files, bad.file(), bad.line(),
                "bad signature: the receipt was changed or signed with another key");
    }

    private static int lineCount(Path file) throws IOException {
        try (FileLines lines = new FileLines(file)) {
            int n = 0;
            while (lines.next()) {
                n++;
            }
            return n;
        }
    }

    /** Tells a gap (receipts deleted) from a swap (the expected receipt comes later in the file). */
    private static String seqProblem(Path file, int at, long seq, long expected) throws IOException {
        if (seq < expected) {
            return "reordered: seq " + seq + " comes after seq " + (expected - 1);
        }
        try (FileLines lines = new FileLines(file)) {
            for (int j = 0; lines.next(); j++) {
                if (j <= at) {
                    continue;
                }
                try {
                    if (Long.valueOf(expected).equals(ReceiptLine.parse(lines.buffer(), lines.from(), lines.to()).seq())) {
                        return "reordered: seq " + seq + " comes before seq " + expected;
                    }
                } catch (JsonProcessingException e) {
                    break;
                }
            }
        }
        return "missing: expected seq " + expected + " but found seq " + seq + " (" + (seq - expected)
                + " receipt(s) deleted)";
    }

    /** The receipt files of a folder, oldest first. */
    public static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("no receipts folder at " + dir);
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Receipts::isReceiptFile).sorted().forEach(out::add);
        }
        return out;
    }
}
