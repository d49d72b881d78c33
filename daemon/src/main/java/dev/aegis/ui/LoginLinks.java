package dev.aegis.ui;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * One-time login tokens for the dashboard: minted for a viewer, good for {@link #TTL}, and redeemed
 * at most once (the first redemption removes it atomically).
 */
final class LoginLinks {

    static final Duration TTL = Duration.ofMinutes(2);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Links one viewer may have waiting at once: minting more drops its oldest. */
    static final int PER_VIEWER = 8;

    private final Cache<String, Viewer> pending = Caffeine.newBuilder().expireAfterWrite(TTL).maximumSize(10_000).build();
    private final ViewerQuota quota = new ViewerQuota(PER_VIEWER);

    /** A fresh token for the viewer. */
    String mint(Viewer viewer) {
        String token = randomToken();
        pending.put(token, viewer);
        String pushedOut = quota.add(viewer, token);
        if (pushedOut != null) {
            pending.invalidate(pushedOut);
        }
        return token;
    }

    /** The viewer the token was minted for, once; empty when unknown, expired or already used. */
    Optional<Viewer> redeem(String token) {
        if (token == null || token.length() > 100) {
            return Optional.empty();
        }
        Viewer viewer = pending.asMap().remove(token);
        if (viewer != null) {
            quota.remove(viewer, token);
        }
        return Optional.ofNullable(viewer);
    }

    /** 32 random bytes, URL-safe. */
    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
