package dev.aegis.keys;

import dev.aegis.digest.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Aegis keys: {@code aegis_<id>_<secret>}. The id (12 base32 characters) is public and names the key
 * in lists and reports; the secret is 256 random bits. Only the SHA-256 of the whole key is stored,
 * and hashes are compared in constant time.
 */
public final class ApiKeys {

    public static final String PREFIX = "aegis_";
    private static final int ID_LENGTH = 12;
    private static final int SECRET_LENGTH = 43;
    private static final int KEY_LENGTH = PREFIX.length() + ID_LENGTH + 1 + SECRET_LENGTH;
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A key just minted: the id, and the full secret key to show once. */
    public record Minted(String id, String key, String sha256) {}

    /** A presented key that has the right shape; it may still be unknown. */
    public record Presented(String id, String key) {}

    private ApiKeys() {}

    public static Minted mint() {
        StringBuilder id = new StringBuilder(12);
        for (int i = 0; i < 12; i++) {
            id.append(BASE32[RANDOM.nextInt(32)]);
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new Minted(id.toString(), key, sha256(key));
    }

    /** The id and key when the text has the shape of an Aegis key. */
    public static Optional<Presented> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String key = text.trim();
        return hasKeyShape(key)
                ? Optional.of(new Presented(key.substring(PREFIX.length(), PREFIX.length() + ID_LENGTH), key))
                : Optional.empty();
    }

    /**
     * {@code aegis_}, 12 base32 characters ({@code a-z2-7}), {@code _}, 43 base64url characters: checked
     * by a scan, not a regular expression (every call checks a key; the regex was ≈ 3 % of the daemon's
     * samples at 64 connections).
     */
    private static boolean hasKeyShape(String key) {
        if (key.length() != KEY_LENGTH || !key.startsWith(PREFIX) || key.charAt(PREFIX.length() + ID_LENGTH) != '_') {
            return false;
        }
        for (int i = PREFIX.length(); i < PREFIX.length() + ID_LENGTH; i++) {
            if (!isBase32(key.charAt(i))) {
                return false;
            }
        }
        for (int i = PREFIX.length() + ID_LENGTH + 1; i < KEY_LENGTH; i++) {
            char c = key.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBase32(char c) {
        return c >= 'a' && c <= 'z' || c >= '2' && c <= '7';
    }

    /** True when the text looks like a key id (what {@code keys show ID} takes). */
    public static boolean isId(String text) {
        return text != null && text.length() == ID_LENGTH && text.chars().allMatch(c -> isBase32((char) c));
    }

    public static String sha256(String key) {
        return Sha256.hex(key.getBytes(StandardCharsets.UTF_8));
    }

    /** Constant-time check of a presented key against a stored hash. */
    public static boolean matches(String key, String storedSha256) {
        return MessageDigest.isEqual(
                sha256(key).getBytes(StandardCharsets.US_ASCII), storedSha256.getBytes(StandardCharsets.US_ASCII));
    }
}
