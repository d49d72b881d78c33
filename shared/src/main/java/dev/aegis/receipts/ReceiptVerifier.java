package dev.aegis.receipts;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Optional;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Walks every receipt file in date order and checks each line: it parses, its {@code seq} is the
 * next one, its {@code prev} is the SHA-256 of the line before (across files), and its signature
 * verifies. Stops at the first bad receipt and says where and why. Runs offline.
 */
public final class ReceiptVerifier {

    private final ReceiptKeys.ReceiptPublicKey key;

    public ReceiptVerifier(ReceiptKeys.ReceiptPublicKey key) {
        this.key = key;
    }

    public VerifyResult verify(Path dir) throws IOException {
        List<Path> files = files(dir);
        long good = 0;
        long expectedSeq = 1;
        List<Signed> signed = new ArrayList<>();
        String prevHash = Receipts.GENESIS;
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            String name = file.getFileName().toString();
            String content = Files.readString(file, StandardCharsets.UTF_8);
            boolean lastFile = f == files.size() - 1;
            List<String> lines = List.of(content.split("\n", -1));
            int count = content.endsWith("\n") ? lines.size() - 1 : lines.size();
            for (int i = 0; i < count; i++) {
                String line = lines.get(i);
                boolean tornCandidate = lastFile && i == count - 1 && !content.endsWith("\n");
                TreeMap<String, Object> receipt;
                try {
                    receipt = CanonicalJson.parse(line);
                } catch (JsonProcessingException e) {
                    return earlierBadSignatureOr(signed, files.size(), VerifyResult.broken(good, files.size(), name, i + 1, tornCandidate
                            ? "truncated: the last line is incomplete (a torn write)"
                            : "unparsable: not a JSON receipt"));
                }
                if (!(receipt.get("seq") instanceof Long seq) || !(receipt.get("prev") instanceof String prev)
                        || !(receipt.remove("sig") instanceof String sig)) {
                    return earlierBadSignatureOr(signed, files.size(),
                            VerifyResult.broken(good, files.size(), name, i + 1, "unparsable: seq, prev or sig is missing"));
                }
                if (seq != expectedSeq || !prev.equals(prevHash)) {
                    return earlierBadSignatureOr(signed, files.size(), VerifyResult.broken(good, files.size(), name, i + 1,
                            seq != expectedSeq
                                    ? seqProblem(lines, i, count, seq, expectedSeq)
                                    : "broken chain: prev is not the hash of the receipt before it"));
                }
                signed.add(new Signed(name, i + 1, good, CanonicalJson.bytes(receipt), sig));
                prevHash = Receipts.hash(line);
                expectedSeq = seq + 1;
                good++;
            }
            VerifyResult fileResult = earlierBadSignatureOr(signed, files.size(), null);
            if (fileResult != null) {
                return fileResult;
            }
            signed.clear();
        }
        return VerifyResult.intact(good, files.size());
    }

    /** A receipt whose chain checked out, waiting for its signature check. */
    private record Signed(String file, int line, long before, byte[] bytes, String sig) {}

    /** The first bad signature among receipts already chain-checked, which comes before {@code otherwise}. */
    private VerifyResult earlierBadSignatureOr(List<Signed> signed, int files, VerifyResult otherwise) {
        return firstBadSignature(signed)
                .map(bad -> VerifyResult.broken(bad.before(), files, bad.file(),
                        bad.line(), "bad signature: the receipt was changed or signed with another key"))
                .orElse(otherwise);
    }

    /**
     * Signatures are the slow part and independent of each other: they are checked on every core,
     * a file at a time, and the earliest bad one is reported.
     */
    private Optional<Signed> firstBadSignature(List<Signed> signed) {
        return signed.parallelStream()
                .filter(s -> !ReceiptKeys.verify(key, s.bytes(), s.sig()))
                .min(Comparator.comparingInt(Signed::line));
    }

    /** Tells a gap (receipts deleted) from a swap (the expected receipt comes later in the file). */
    private static String seqProblem(List<String> lines, int at, int count, long seq, long expected) {
        if (seq < expected) {
            return "reordered: seq " + seq + " comes after seq " + (expected - 1);
        }
        for (int j = at + 1; j < count; j++) {
            try {
                if (Long.valueOf(expected).equals(CanonicalJson.parse(lines.get(j)).get("seq"))) {
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
