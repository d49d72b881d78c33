package dev.aegis.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The corpus in src/test/resources/secrets: every kind found, every near miss left alone. */
class SecretScannerTest {

    private final SecretScanner scanner = new SecretScanner(SecretKind.BUILT_IN, Set.of());

    private static List<String> lines(String resource) throws IOException {
        try (InputStream in = SecretScannerTest.class.getResourceAsStream("/secrets/" + resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }

    @Test
    void everyTruePositiveIsFoundAsItsKind() throws IOException {
        List<String> corpus = lines("true-positives.tsv");
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(20);
        for (String line : corpus) {
            String kind = line.substring(0, line.indexOf('\t'));
            String text = line.substring(line.indexOf('\t') + 1).replace("\\n", "\n");
            assertThat(scanner.scan(text)).as(text).extracting(SecretScanner.Finding::kind).containsExactly(kind);
        }
        assertThat(corpus.stream().map(l -> l.substring(0, l.indexOf('\t'))).distinct())
                .containsExactlyInAnyOrderElementsOf(SecretKind.BUILT_IN.stream().map(SecretKind::name).toList());
    }

    @Test
    void nearMissesAreNotSecrets() throws IOException {
        for (String text : lines("near-misses.txt")) {
            assertThat(scanner.scan(text)).as(text).isEmpty();
        }
    }

    @Test
    void redactionReplacesEachSecretAndKeepsTheRest() {
        String text = "keys: AKIAIOSFODNN7EXAMPLE and ghp_0123456789abcdefghijklmnopqrstuvwxyz, done";
        assertThat(SecretScanner.redact(text, scanner.scan(text)))
                .isEqualTo("keys: [REDACTED:aws_access_key_id] and [REDACTED:github_token], done");
    }

    @Test
    void aPrivateKeyIsRedactedWholeNotJustItsHeader() {
        String pem = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,3F17F5316E2BAC89\n\n"
                + "MIIEowIBAAKCAQEA7bq98+/xQ2hZ\nZm9vYmFy==\n-----END RSA PRIVATE KEY-----";
        String text = "key:\n" + pem + "\nthanks";
        assertThat(SecretScanner.redact(text, scanner.scan(text))).isEqualTo("key:\n[REDACTED:private_key]\nthanks");
    }

    @Test
    void allowListedValuesPass() {
        SecretScanner allowing = new SecretScanner(SecretKind.BUILT_IN, Set.of("AKIAIOSFODNN7EXAMPLE"));
        assertThat(allowing.scan("demo AKIAIOSFODNN7EXAMPLE")).isEmpty();
        assertThat(allowing.scan("real AKIAY34FZKBOKMUTVV7A")).hasSize(1);
    }

    @Test
    void adversarialTextStaysLinear() {
        // Many prefixes and long almost-matches: possessive, anchored patterns never backtrack, and a
        // kind that starts a word is not tried inside one.
        String hostile = "sk-".repeat(50_000) + "AKIA".repeat(50_000) + "eyJ" + "a".repeat(200_000) + ".eyJ" + "b".repeat(100)
                + "eyJ".repeat(100_000) + "eyJa.".repeat(50_000) + "-----BEGIN ".repeat(30_000) + " ghp_".repeat(50_000);
        long start = System.nanoTime();
        scanner.scan(hostile);
        assertThat(System.nanoTime() - start).as("scan of 1.7 MB of hostile text").isLessThan(5_000_000_000L);
    }

    @Test
    void manySecretsStayLinear() {
        // 200,000 findings: checking each against every earlier one would take minutes.
        String dense = "AKIAIOSFODNN7EXAMPLE ".repeat(200_000);
        long start = System.nanoTime();
        List<SecretScanner.Finding> found = scanner.scan(dense);
        assertThat(System.nanoTime() - start).as("scan of 200,000 secrets").isLessThan(5_000_000_000L);
        assertThat(found).hasSize(200_000);
        assertThat(found.get(199_999).start()).isEqualTo(21 * 199_999);
    }

    @Test
    void configuredPatternsJoinTheFindingsInOrderWithoutOverlap() {
        List<SecretKind> kinds = new java.util.ArrayList<>(SecretKind.BUILT_IN);
        kinds.add(SecretKind.custom(java.util.regex.Pattern.compile("ACME-[0-9]{6}")));
        kinds.add(SecretKind.custom(java.util.regex.Pattern.compile("EXAMPLE[A-Z]*")));
        SecretScanner withCustom = new SecretScanner(kinds, Set.of());

        String text = "b ACME-123456 a AKIAIOSFODNN7EXAMPLE c ACME-654321";
        assertThat(withCustom.scan(text)).extracting(SecretScanner.Finding::kind)
                .containsExactly("custom", "aws_access_key_id", "custom");
        assertThat(withCustom.scan(text)).extracting(SecretScanner.Finding::start).isSorted();
    }

    @Test
    void findsSecretsAtEveryPositionOfTheText() {
        assertThat(scanner.scan("AKIAIOSFODNN7EXAMPLE")).hasSize(1);
        assertThat(scanner.scan("xAKIAIOSFODNN7EXAMPLE")).isEmpty();
        assertThat(scanner.scan(" AKIAIOSFODNN7EXAMPLE")).extracting(SecretScanner.Finding::start).containsExactly(1);
        assertThat(scanner.scan("éAKIAIOSFODNN7EXAMPLE")).isEmpty(); // a letter, even outside ASCII, joins the word
        assertThat(scanner.scan("✓ AKIAIOSFODNN7EXAMPLE ✓")).hasSize(1);
        assertThat(scanner.scan("\u0100" + "IA")).isEmpty(); // a char whose low 7 bits look like an anchor's
        assertThat(scanner.scan("AKIAIOSFODNN7EXAMPLE ghp_0123456789abcdefghijklmnopqrstuvwxyz"))
                .extracting(SecretScanner.Finding::kind).containsExactly("aws_access_key_id", "github_token");
    }
}
