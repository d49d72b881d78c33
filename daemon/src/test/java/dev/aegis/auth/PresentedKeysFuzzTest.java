package dev.aegis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aegis.keys.ApiKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Whatever a client presents as its key or token is read without an exception (which would answer
 * 500 where the SPEC says 401), and a token Aegis did not sign names no key. {@code JAZZER_FUZZ=1}
 * fuzzes it (docs/SECURITY.md).
 */
class PresentedKeysFuzzTest {

    private static final JwtTokens TOKENS = new JwtTokens("a fixed test secret, 32 bytes...".getBytes(StandardCharsets.US_ASCII),
            InstantSource.fixed(Instant.parse("2026-12-05T00:00:00Z")));

    @FuzzTest(maxDuration = "60s")
    void aPresentedKeyOrTokenIsReadOrRefused(String presented) {
        if (presented == null) {
            return;
        }
        ApiKeys.parse(presented);
        if (JwtTokens.looksLikeJwt(presented)) {
            assertThat(TOKENS.verify(presented)).as("a token this secret did not sign").isEmpty();
        }
    }
}
