package dev.aegis.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.home.SecureFiles;
import dev.aegis.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived JWTs standing in for an Aegis key: HS256 only (the algorithm is pinned, so
 * {@code alg: none} and algorithm swaps are refused), signed with a secret kept in the home folder
 * (0600), expiry enforced. The token names the key id; the key itself must still be valid.
 */
public final class JwtTokens {

    public static final Duration LIFETIME = Duration.ofMinutes(15);
    private static final String HEADER = b64(Json.write(java.util.Map.of("alg", "HS256", "typ", "JWT")));
    private static final String ISSUER = "aegis";

    private final byte[] secret;
    private final InstantSource clock;

    JwtTokens(byte[] secret, InstantSource clock) {
        this.secret = secret.clone();
        this.clock = clock;
    }

    /** Loads the signing secret from the file, creating it (random, 0600) on first use. */
    public static JwtTokens fromFile(Path file, InstantSource clock) throws IOException {
        if (!Files.exists(file)) {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            SecureFiles.writeAtomically(file, Base64.getEncoder().encode(fresh));
        }
        byte[] secret = Base64.getDecoder().decode(Files.readString(file).trim());
        return new JwtTokens(secret, clock);
    }

    public String issue(String keyId) {
        long now = clock.instant().getEpochSecond();
        ObjectNode claims = Json.mapper().createObjectNode()
                .put("iss", ISSUER).put("sub", keyId).put("iat", now).put("exp", now + LIFETIME.toSeconds());
        String signingInput = HEADER + "." + b64(claims.toString());
        return signingInput + "." + sign(signingInput);
    }

    /** True when the text has a JWT's shape (three base64url parts, a JSON header). */
    public static boolean looksLikeJwt(String text) {
        return text.startsWith("eyJ") && text.chars().filter(ch -> ch == '.').count() == 2;
    }

    /** The key id the token names, when its header, signature, issuer and expiry all check out. */
    public Optional<String> verify(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode header = Json.mapper().readTree(Base64.getUrlDecoder().decode(parts[0]));
            if (!"HS256".equals(header.path("alg").asText()) || header.size() > 3) {
                return Optional.empty();
            }
            String expected = sign(parts[0] + "." + parts[1]);
            if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    parts[2].getBytes(StandardCharsets.US_ASCII))) {
                return Optional.empty();
            }
            JsonNode claims = Json.mapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
            long exp = claims.path("exp").asLong(0);
            if (!ISSUER.equals(claims.path("iss").asText()) || clock.instant().getEpochSecond() >= exp) {
                return Optional.empty();
            }
            String sub = claims.path("sub").asText("");
            return sub.isEmpty() ? Optional.empty() : Optional.of(sub);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private String sign(String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
