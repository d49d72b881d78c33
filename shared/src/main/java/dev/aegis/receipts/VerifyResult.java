package dev.aegis.receipts;

import java.util.List;

/**
 * The outcome of checking a receipt trail.
 *
 * @param receipts receipts checked and found good (before the problem, if any)
 * @param file the file of the first bad receipt (or, for receipts missing at the end, the file they
 *     were due in, or the folder when there is no file), or null when intact
 * @param line its line number (1-based); 0 when {@code file} is the folder
 * @param reason why it is bad: bad signature, broken chain, missing, reordered, unparsable, truncated,
 *     replaced, unknown key, another key, another key at the end, unexpected key, another instance
 * @param lastSeq the seq of the last good receipt (0 when none)
 * @param lastHash the SHA-256 of the last good receipt's line ({@link Receipts#GENESIS} when none)
 * @param lastKey the fingerprint of the key that signed the last good receipt, or null when none
 * @param rotations each key rotation passed, as {@code file:line old -> new} and whether the old key signed it
 * @param instance the trail's instance id ({@link ReceiptTrail#instance()}), or null
 */
public record VerifyResult(boolean intact, long receipts, int files, String file, int line, String reason,
        long lastSeq, String lastHash, String lastKey, List<String> rotations, String instance) {

    /** The place of a problem as the CLI prints it: {@code file:line}, or the folder. */
    public String where() {
        return line > 0 ? file + ":" + line : file;
    }

    VerifyResult of(String trailInstance) {
        return new VerifyResult(intact, receipts, files, file, line, reason, lastSeq, lastHash, lastKey, rotations, trailInstance);
    }

    static VerifyResult intact(long receipts, int files, long lastSeq, String lastHash, String lastKey, List<String> rotations) {
        return new VerifyResult(true, receipts, files, null, 0, null, lastSeq, lastHash, lastKey, List.copyOf(rotations), null);
    }

    static VerifyResult broken(long receipts, int files, String file, int line, String reason) {
        return new VerifyResult(false, receipts, files, file, line, reason, 0, null, null, List.of(), null);
    }
}
