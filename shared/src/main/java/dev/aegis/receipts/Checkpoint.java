package dev.aegis.receipts;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.TreeMap;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A signed statement of the trail's head, one line of JSON small enough to paste into a ticket or a
 * commit: {@code seq}, {@code hash} (SHA-256 of that receipt's line), the signing key's fingerprint,
 * the time, and an Ed25519 signature over the canonical JSON of the rest. Kept somewhere the
 * receipt key cannot reach, it proves the trail held that receipt and everything before it:
 * {@code aegis receipts verify --checkpoint FILE}.
 */
public record Checkpoint(long seq, String hash, String key, String ts, String sig) {

    /** The value of the {@code checkpoint} member, which tells a checkpoint from a receipt. */
    static final String KIND = "aegis-receipts";

    public static Checkpoint sign(ReceiptKeys.Pair keys, long seq, String hash, Instant now) {
        Checkpoint unsigned = new Checkpoint(seq, hash, ReceiptKeys.fingerprint(keys.publicKey()), now.toString(), null);
        return new Checkpoint(seq, hash, unsigned.key, unsigned.ts, ReceiptKeys.sign(keys, unsigned.signedBytes()));
    }

    /** Reads a checkpoint from the text {@link #line()} wrote (surrounding whitespace allowed). */
    public static Checkpoint parse(String text) {
        TreeMap<String, Object> m;
        try {
            m = CanonicalJson.parse(text.strip());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a receipts checkpoint (not one JSON object)");
        }
        if (!KIND.equals(m.get("checkpoint")) || !(m.get("seq") instanceof Long seq) || !(m.get("hash") instanceof String hash)
                || !(m.get("key") instanceof String key) || !(m.get("ts") instanceof String ts)
                || !(m.get("sig") instanceof String sig)) {
            throw new IllegalArgumentException("not a receipts checkpoint (checkpoint, seq, hash, key, ts and sig are needed)");
        }
        return new Checkpoint(seq, hash, key, ts, sig);
    }

    /** The checkpoint as one line of canonical JSON. */
    public String line() {
        TreeMap<String, Object> m = fields();
        m.put("sig", sig);
        return new String(CanonicalJson.bytes(m), StandardCharsets.UTF_8);
    }

    /** True when {@code publicKey} is the key the checkpoint names and its signature is good. */
    public boolean signedBy(ReceiptKeys.ReceiptPublicKey publicKey) {
        if (!ReceiptKeys.fingerprint(publicKey).equals(key)) {
            return false;
        }
        try {
            byte[] s = Base64.getDecoder().decode(sig);
            byte[] m = signedBytes();
            return s.length == Ed25519.SIGNATURE_SIZE && Ed25519.verify(s, 0, publicKey.raw(), 0, m, 0, m.length);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private byte[] signedBytes() {
        return CanonicalJson.bytes(fields());
    }

    private TreeMap<String, Object> fields() {
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("checkpoint", KIND);
        m.put("seq", seq);
        m.put("hash", hash);
        m.put("key", key);
        m.put("ts", ts);
        return m;
    }
}
