package dev.aegis.receipts;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One daemon's receipt chain to verify: its files, oldest first, and the instance id its receipts
 * carry ({@link ReceiptInstance}; null for a trail written before instance ids).
 *
 * @param where what was given: the folder, or the first file
 */
public record ReceiptTrail(Path where, List<Path> files, String instance) {

    /** A daemon's receipts folder: one trail. */
    public static ReceiptTrail folder(Path dir) throws IOException {
        List<Path> files = ReceiptVerifier.files(dir);
        return new ReceiptTrail(dir, files, instanceOf(files));
    }

    /**
     * The trails of what was given: each folder is one; receipt files given one by one are grouped
     * by the instance of their receipts and ordered by their first receipt's seq. Two trails of one
     * instance are refused (which one is the chain?).
     */
    public static List<ReceiptTrail> given(List<Path> paths) throws IOException {
        List<ReceiptTrail> trails = new ArrayList<>();
        Map<String, List<Path>> loose = new LinkedHashMap<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                trails.add(folder(p));
            } else if (Files.isRegularFile(p)) {
                loose.computeIfAbsent(Objects.requireNonNullElse(instanceOf(List.of(p)), ""), k -> new ArrayList<>()).add(p);
            } else {
                throw new IOException("no receipts folder or file at " + p);
            }
        }
        for (Map.Entry<String, List<Path>> group : loose.entrySet()) {
            List<Path> files = new ArrayList<>(group.getValue());
            files.sort(Comparator.comparingLong(ReceiptTrail::firstSeq));
            trails.add(new ReceiptTrail(files.getFirst(), List.copyOf(files), group.getKey().isEmpty() ? null : group.getKey()));
        }
        Map<String, ReceiptTrail> seen = new LinkedHashMap<>();
        for (ReceiptTrail t : trails) {
            ReceiptTrail before = seen.put(Objects.requireNonNullElse(t.instance(), ""), t);
            if (before != null) {
                throw new IOException(before.where() + " and " + t.where() + " hold the same trail ("
                        + (t.instance() == null ? "no instance id" : "instance " + t.instance()) + "): give it once");
            }
        }
        return trails;
    }

    /** The instance named by the newest receipt of these files (oldest first), or null when it names none. */
    static String instanceOf(List<Path> files) throws IOException {
        ReceiptFileEnd.LastLine last = ReceiptFileEnd.lastOf(files);
        if (last == null) {
            return null;
        }
        try {
            byte[] bytes = last.line().getBytes(StandardCharsets.UTF_8);
            return ReceiptLine.parse(bytes, 0, bytes.length).instance();
        } catch (JsonProcessingException e) {
            return null; // a foreign line: the walk names it
        }
    }

    /** The seq of a file's first receipt (Long.MAX_VALUE when it names none): its first line only is read. */
    private static long firstSeq(Path file) {
        try (FileLines lines = new FileLines(file, 16 * 1024)) {
            if (!lines.next()) {
                return Long.MAX_VALUE;
            }
            Long seq = ReceiptLine.parse(lines.buffer(), lines.from(), lines.to()).seq();
            return seq == null ? Long.MAX_VALUE : seq;
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }
}
