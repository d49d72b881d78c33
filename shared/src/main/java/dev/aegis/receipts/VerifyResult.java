package dev.aegis.receipts;

/**
 * The outcome of checking a receipt trail.
 *
 * @param receipts receipts checked and found good (before the problem, if any)
 * @param file the file of the first bad receipt, or null when intact
 * @param line its line number (1-based)
 * @param reason why it is bad: bad signature, broken chain, missing, reordered, unparsable, truncated
 */
public record VerifyResult(boolean intact, long receipts, int files, String file, int line, String reason) {

    static VerifyResult intact(long receipts, int files) {
        return new VerifyResult(true, receipts, files, null, 0, null);
    }

    static VerifyResult broken(long receipts, int files, String file, int line, String reason) {
        return new VerifyResult(false, receipts, files, file, line, reason);
    }
}
