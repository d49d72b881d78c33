package dev.aegis.receipts;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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

    private final ReceiptKeys.Verifier verifier;
    private final Ed25519Batch batch;
    private final int threads;

    public ReceiptVerifier(ReceiptKeys.ReceiptPublicKey key) {
        this(key, Runtime.getRuntime().availableProcessors());
    }

    /** @param threads how many threads check signatures */
    public ReceiptVerifier(ReceiptKeys.ReceiptPublicKey key, int threads) {
        this.verifier = new ReceiptKeys.Verifier(key);
        this.batch = new Ed25519Batch(key.raw());
        this.threads = Math.max(1, threads);
    }

    public VerifyResult verify(Path dir) throws IOException {
        List<Path> files = files(dir);
        try (SignatureChecks checks = new SignatureChecks(verifier, batch, threads)) {
            return walk(files, checks);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("verification was interrupted", e);
        }
    }

    private VerifyResult walk(List<Path> files, SignatureChecks checks) throws IOException, InterruptedException {
        MessageDigest sha256 = Receipts.sha256();
        HexFormat hex = HexFormat.of();
        long good = 0;
        long expectedSeq = 1;
        String prevHash = Receipts.GENESIS;
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            String name = file.getFileName().toString();
            byte[] content = Files.readAllBytes(file);
            boolean endsWithNewline = content.length > 0 && content[content.length - 1] == '\n';
            List<int[]> lines = lines(content);
            for (int i = 0; i < lines.size(); i++) {
                int from = lines.get(i)[0];
                int to = lines.get(i)[1];
                boolean tornCandidate = f == files.size() - 1 && i == lines.size() - 1 && !endsWithNewline;
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
                long seq = receipt.seq();
                if (seq != expectedSeq || !receipt.prev().equals(prevHash)) {
                    return firstBadOr(checks, files.size(), VerifyResult.broken(good, files.size(), name, i + 1,
                            seq != expectedSeq
                                    ? seqProblem(content, lines, i, seq, expectedSeq)
                                    : "broken chain: prev is not the hash of the receipt before it"));
                }
                checks.add(new SignatureChecks.Signed(name, i + 1, good, receipt.signed(), receipt.sig()));
                if (checks.badSeen()) {
                    return firstBadOr(checks, files.size(), null);
                }
                sha256.update(content, from, to - from);
                prevHash = hex.formatHex(sha256.digest());
                expectedSeq = seq + 1;
                good++;
            }
        }
        return firstBadOr(checks, files.size(), VerifyResult.intact(good, files.size()));
    }

    /** The first bad signature among receipts already chain-checked, which comes before {@code otherwise}. */
    private static VerifyResult firstBadOr(SignatureChecks checks, int files, VerifyResult otherwise) throws InterruptedException {
        SignatureChecks.Signed bad = checks.firstBad();
        return bad == null ? otherwise : VerifyResult.broken(bad.before(), files, bad.file(), bad.line(),
                "bad signature: the receipt was changed or signed with another key");
    }

    /** The lines of a file as {@code [from, to)} byte ranges, without their newlines (a last line may lack one). */
    private static List<int[]> lines(byte[] content) {
        List<int[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n') {
                out.add(new int[] {start, i});
                start = i + 1;
            }
        }
        if (start < content.length) {
            out.add(new int[] {start, content.length});
        }
        return out;
    }

    /** Tells a gap (receipts deleted) from a swap (the expected receipt comes later in the file). */
    private static String seqProblem(byte[] content, List<int[]> lines, int at, long seq, long expected) {
        if (seq < expected) {
            return "reordered: seq " + seq + " comes after seq " + (expected - 1);
        }
        for (int j = at + 1; j < lines.size(); j++) {
            try {
                if (Long.valueOf(expected).equals(ReceiptLine.parse(content, lines.get(j)[0], lines.get(j)[1]).seq())) {
                    return "reordered: seq " + seq + " comes before seq " + expected;
                }
            } catch (JsonProcessingException e) {
                break;
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
