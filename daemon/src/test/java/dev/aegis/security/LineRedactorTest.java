package dev.aegis.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LineRedactorTest {

    private static final String GITHUB = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
    private final LineRedactor redactor = new LineRedactor(new SecretScanner(SecretKind.BUILT_IN, Set.of()));

    private List<String> lines(String... lines) {
        return java.util.Arrays.stream(lines).map(redactor::line).toList();
    }

    @Test
    void aPrivateKeyOverSeveralLinesIsRedactedOnEachOfThem() {
        assertThat(lines("starting", "-----BEGIN RSA PRIVATE KEY-----", "MIIEpAIBAAKCAQEAsecretbody0123456789",
                "moreSecretBody+/==", "-----END RSA PRIVATE KEY-----", "listening on 8080")).containsExactly(
                "starting", "[REDACTED:private_key]", "[REDACTED:private_key]", "[REDACTED:private_key]",
                "[REDACTED:private_key]", "listening on 8080");
    }

    @Test
    void aTokenAtTheEndOfALineDoesNotTouchTheNextOne() {
        assertThat(lines("token " + GITHUB, "next line", GITHUB + " first", "plain")).containsExactly(
                "token [REDACTED:github_token]", "next line", "[REDACTED:github_token] first", "plain");
    }

    @Test
    void aCutLinesEndCarriesAPrivateKeyIntoTheNextLineAndItsStartIsRedactedAsALine() {
        String start = "token " + GITHUB + " " + "x".repeat(100);
        assertThat(redactor.cutLine(start, "y".repeat(1000) + " -----BEGIN RSA PRIVATE KEY-----"))
                .isEqualTo("token [REDACTED:github_token] " + "x".repeat(100));
        assertThat(lines("MIIEpAIBAAKCAQEAsecretbody0123456789", "-----END RSA PRIVATE KEY-----", "after"))
                .containsExactly("[REDACTED:private_key]", "[REDACTED:private_key]", "after");
        assertThat(redactor.cutLine("plain", "y".repeat(100))).isEqualTo("plain");
        assertThat(lines("MIIEpAIBAAKCAQEAnotcarried")).containsExactly("MIIEpAIBAAKCAQEAnotcarried");
    }
}
