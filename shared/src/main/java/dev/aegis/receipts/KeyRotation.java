package dev.aegis.receipts;

import dev.aegis.store.ReceiptHead;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.TreeMap;

/**
 * The receipt that changes a trail's signing key: {@code type: rotation}, the new public key
 * ({@code new_key}, raw, Base64) and the old key's fingerprint, chained like any receipt and signed
 * by the old key, or by the new one when the old key is lost (the verifier says which). Receipts
 * after it are signed with the new key; {@code aegis receipts verify} follows the change.
 */
public final class KeyRotation {

    private KeyRotation() {}

    /**
     * Appends the rotation receipt after {@code end} to the day's file of {@code now}.
     *
     * @param oldKeys the key that signed the trail so far, or null when it is lost
     * @param oldFingerprint the trail's key until now (null when the trail is empty)
     * @param instance the trail's instance id ({@link ReceiptInstance})
     * @return the trail's new head
     */
    public static ReceiptHead append(Path dir, ReceiptHead end, ReceiptKeys.Pair oldKeys, String oldFingerprint,
            ReceiptKeys.Pair newKeys, String instance, Instant now) throws IOException {
        ReceiptKeys.Pair signer = oldKeys != null ? oldKeys : newKeys;
        String signerFp = ReceiptKeys.fingerprint(signer.publicKey());
        TreeMap<String, Object> receipt = new TreeMap<>();
        receipt.put("seq", end.seq() + 1);
        receipt.put("prev", end.hash());
        receipt.put("ts", now.toString());
        receipt.put("type", "rotation");
        receipt.put("key", signerFp);
        receipt.put("instance", instance);
        receipt.put("old_key", oldFingerprint);
        receipt.put("new_key", Base64.getEncoder().encodeToString(newKeys.publicKey().raw()));
        receipt.put("sig", ReceiptKeys.sign(signer, CanonicalJson.bytes(receipt)));
        String line = new String(CanonicalJson.bytes(receipt), StandardCharsets.UTF_8);
        Receipts.append(dir.resolve(now.atZone(ZoneOffset.UTC).toLocalDate() + ".jsonl"), line + "\n");
        return new ReceiptHead(end.seq() + 1, Receipts.hash(line), ReceiptKeys.fingerprint(newKeys.publicKey()), instance);
    }
}
