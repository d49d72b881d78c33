package dev.aegis.keys;

import dev.aegis.digest.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Aegis keys: {@code aegis_<id>_<secret>}. The id (12 base32 characters) is public and names the key
 * in lists and reports; the secret is 256 random bits. Only the SHA-256 of the whole key is stored,
 * and hashes are compared in constant time.
 */
public final class ApiKeys {

    public static final String PREFIX = "aegis_";
    private static final Pattern FORMAT = Pattern.compile("aegis_([a-z2-7]{12})_([A-Za-z0-9_-]{43})");
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
        Matcher m = FORMAT.matcher(text.trim());
        return m.matches() ? Optional.of(new Presented(m.group(1), text.trim())) : Optional.empty();
    }

    /** True when the text looks like a key id (what {@code keys show ID} takes). */
    public static boolean isId(String text) {
        return text != null && text.matches("[a-z2-7]{12}");
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
