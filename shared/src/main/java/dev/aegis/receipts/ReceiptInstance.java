package dev.aegis.receipts;

import dev.aegis.home.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The id of a daemon's receipt trail: made once per home (16 hex digits, random) and kept beside the
 * signing key in {@code keys/receipts.instance}. Every receipt carries it ({@code instance}), and the
 * store keeps each instance's head apart, so daemons sharing one store (team mode) each sign and
 * verify their own chain (docs/RECEIPTS.md).
 */
public final class ReceiptInstance {

    /** The file's name in the home's {@code keys/} folder. */
    public static final String FILE = "receipts.instance";
    private static final String FORMAT = "[0-9a-f]{16}";

    private ReceiptInstance() {}

    /** The id in {@code file}, made and kept there (0600) when the file does not exist yet. */
    public static String loadOrCreate(Path file) throws IOException {
        Optional<String> existing = read(file);
        if (existing.isPresent()) {
            return existing.get();
        }
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        String id = HexFormat.of().formatHex(random);
        SecureFiles.createPrivateDirectories(file.getParent());
        SecureFiles.writeAtomically(file, (id + "\n").getBytes(StandardCharsets.US_ASCII));
        return id;
    }

    /**
     * The id in {@code file}; when the file is gone but the trail's receipts name an instance ({@code
     * trailInstance}, non-null), that one, kept in the file again: a daemon that made a new id would
     * mix two instances in one chain, which no verification accepts.
     */
    public static String loadOrAdopt(Path file, String trailInstance) throws IOException {
        if (trailInstance == null || read(file).isPresent()) {
            return loadOrCreate(file);
        }
        if (!trailInstance.matches(FORMAT)) {
            throw new IOException("the receipt trail names instance '" + trailInstance + "', not a receipt instance id");
        }
        SecureFiles.createPrivateDirectories(file.getParent());
        SecureFiles.writeAtomically(file, (trailInstance + "\n").getBytes(StandardCharsets.US_ASCII));
        return trailInstance;
    }

    /** The id in {@code file}, or empty when there is none; an IOException when the file holds something else. */
    public static Optional<String> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (!id.matches(FORMAT)) {
            throw new IOException(file + " does not hold a receipt instance id (16 hex digits)");
        }
        return Optional.of(id);
    }
}
