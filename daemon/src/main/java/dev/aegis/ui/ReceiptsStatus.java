package dev.aegis.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.json.Json;
import dev.aegis.receipts.ReceiptFileEnd;
import dev.aegis.receipts.ReceiptVerifier;
import dev.aegis.receipts.Receipts;
import dev.aegis.store.ReceiptVerification;
import dev.aegis.store.ReceiptVerifications;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The receipts panel: whether receipts are on, the head of the chain (the newest receipt's
 * {@code seq}, time and hash, which the next receipt's {@code prev} will be), read from the tail of
 * the newest receipt file, so the writer is never disturbed, and the last {@code aegis receipts
 * verify} of this trail, which the CLI records in the store.
 */
final class ReceiptsStatus {

    private final boolean enabled;
    private final Path dir;
    private final ReceiptVerifications verifications;

    ReceiptsStatus(boolean enabled, Path dir, ReceiptVerifications verifications) {
        this.enabled = enabled;
        this.dir = dir;
        this.verifications = verifications;
    }

    ObjectNode status() {
        ObjectNode n = Json.mapper().createObjectNode().put("enabled", enabled);
        lastVerify(n);
        if (!enabled) {
            return n;
        }
        try {
            ReceiptFileEnd.LastLine last = ReceiptFileEnd.lastOf(ReceiptVerifier.files(dir));
            if (last == null) {
                n.putNull("head");
                return n;
            }
            JsonNode receipt = Json.mapper().readTree(last.line());
            n.putObject("head").put("seq", receipt.path("seq").asLong()).put("ts", receipt.path("ts").asText())
                    .put("hash", Receipts.hash(last.line())).put("file", last.file().getFileName().toString());
        } catch (IOException e) {
            n.put("error", "cannot read the receipts: " + e.getMessage());
        }
        return n;
    }

    /** The last {@code aegis receipts verify} of this trail, or null when it was never verified. */
    private void lastVerify(ObjectNode n) {
        Optional<ReceiptVerification> last = verifications.last(dir);
        if (last.isEmpty()) {
            n.putNull("last_verify");
            return;
        }
        ReceiptVerification v = last.get();
        ObjectNode out = n.putObject("last_verify")
                .put("at", Instant.ofEpochMilli(v.verifiedMs()).toString())
                .put("result", v.intact() ? "intact" : "broken")
                .put("intact", v.intact())
                .put("receipts", v.receipts());
        if (v.headSeq() == null) {
            out.putNull("head_seq");
        } else {
            out.put("head_seq", v.headSeq());
        }
        out.put("problem", v.problem());
    }
}
