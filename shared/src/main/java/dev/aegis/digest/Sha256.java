package dev.aegis.digest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 digests made by cloning one prototype: {@link MessageDigest#getInstance} looks the
 * algorithm up among the security providers on every call (≈ 0.8 % of the daemon's CPU at 64
 * connections when an API key and a receipt's bodies were hashed that way per call); a clone copies
 * an empty digest's state.
 */
public final class Sha256 {

    private static final MessageDigest PROTOTYPE = make();

    private Sha256() {}

    /** A fresh digest, not shared: use it on one thread. */
    public static MessageDigest newDigest() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return make(); // a provider whose digest cannot be cloned: look it up each time
        }
    }

    /** SHA-256 of the bytes, lower-case hex. */
    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    private static MessageDigest make() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
