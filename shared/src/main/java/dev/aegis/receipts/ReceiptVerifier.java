package dev.aegis.receipts;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Walks every receipt file in date order and checks each line: it parses, its {@code seq} is the
 * next one, its {@code prev} is the SHA-256 of the line before (across files), and its signature
 * verifies. Stops at the first bad receipt and says where and why. Runs offline.
 */
public final class ReceiptVerifier {

    private final PublicKey key;

    public ReceiptVerifier(PublicKey key) {
        this.key = key;
    }

    public VerifyResult verify(Path dir) throws IOException {
        List<Path> files = files(dir);
        long good = 0;
        long expectedSeq = 1;
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
                    return VerifyResult.broken(good, files.size(), name, i + 1, tornCandidate
                            ? "truncated: the last line is incomplete (a torn write)"
                            : "unparsable: not a JSON receipt");
                }
                if (!(receipt.get("seq") instanceof Long seq) || !(receipt.get("prev") instanceof String prev)
                        || !(receipt.remove("sig") instanceof String sig)) {
                    return VerifyResult.broken(good, files.size(), name, i + 1, "unparsable: seq, prev or sig is missing");
                }
                if (seq != expectedSeq) {
                    return VerifyResult.broken(good, files.size(), name, i + 1, seqProblem(lines, i, count, seq, expectedSeq));
                }
                if (!prev.equals(prevHash)) {
                    return VerifyResult.broken(good, files.size(), name, i + 1,
                            "broken chain: prev is not the hash of the receipt before it");
                }
                if (!ReceiptKeys.verify(key, CanonicalJson.bytes(receipt), sig)) {
                    return VerifyResult.broken(good, files.size(), name, i + 1,
                            "bad signature: the receipt was changed or signed with another key");
                }
                prevHash = Receipts.hash(line);
                expectedSeq = seq + 1;
                good++;
            }
        }
        return VerifyResult.intact(good, files.size());
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
