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
                + "eyJ".repeat(100_000) + "eyJa.".repeat(50_000) + "-----BEGIN ".repeat(30_000) + " ghp_".repeat(50_000)
                // a prefix after _ or - starts a word: each is tried, and each try is short or finds the rest
                + "_AKIA".repeat(50_000) + "-sk-".repeat(50_000) + "_sk_live_".repeat(20_000) + "-xoxb_".repeat(30_000)
                + "_sk-ant-x".repeat(20_000) + "-ghp_".repeat(50_000)
                // but not a JWT, whose body runs through _ and -: eyJ-eyJ-... would cost a run per eyJ
                + "eyJ-".repeat(50_000) + "eyJ_".repeat(50_000);
        long start = System.nanoTime();
        scanner.scan(hostile);
        assertThat(System.nanoTime() - start).as("scan of 4 MB of hostile text").isLessThan(5_000_000_000L);
    }

    @Test
    void aPrefixRightAfterAnUnderscoreOrDashStartsAWordButNotAfterALetter() {
        String openai = "sk-proj-aB3_aB3_aB3_aB3_aB3_aB3_aB3_aB3_aB3_aB3_aB3_aB3_";
        assertThat(scanner.scan("KEY_" + openai)).extracting(SecretScanner.Finding::start).containsExactly(4);
        assertThat(scanner.scan("TOKEN-AKIAIOSFODNN7EXAMPLE")).extracting(SecretScanner.Finding::kind)
                .containsExactly("aws_access_key_id");
        assertThat(scanner.scan("risk" + openai.substring(2))).isEmpty();
        assertThat(scanner.scan("XAKIAIOSFODNN7EXAMPLE")).isEmpty();
        // GitHub's prefixes are particular enough to count glued to a word too.
        assertThat(scanner.scan("tokenghp_0123456789abcdefghijklmnopqrstuvwxyz")).extracting(SecretScanner.Finding::kind)
                .containsExactly("github_token");
        // a JWT keeps the stricter rule (its body runs through _ and -): after a separator it is not tried
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpM";
        assertThat(scanner.scan("Bearer " + jwt)).hasSize(1);
        assertThat(scanner.scan("token_" + jwt)).isEmpty();
    }

    @Test
    void aConfiguredPatternThatBacktracksForAgesGivesUpAndCountsTheTextAsASecret() {
        String hostile = "a".repeat(5_000) + "b";
        SecretScanner quadratic = withPatterns("(a+)+$"); // the JDK's regex tries each start in linear time
        SecretScanner catastrophic = withPatterns("((a+)+)+$"); // this one backtracks exponentially

        long start = System.nanoTime();
        assertThat(quadratic.scan("a".repeat(100) + "b")).as("decided within the budget").isEmpty();
        assertThat(quadratic.scan(hostile)).containsExactly(new SecretScanner.Finding("custom", 0, hostile.length()));
        assertThat(catastrophic.scan(hostile)).containsExactly(new SecretScanner.Finding("custom", 0, hostile.length()));
        assertThat(catastrophic.scan("x " + "AKIAIOSFODNN7EXAMPLE " + hostile))
                .containsExactly(new SecretScanner.Finding("custom", 0, hostile.length() + 23));
        assertThat(System.nanoTime() - start).as("four scans").isLessThan(2_000_000_000L);
        assertThat(catastrophic.scan("clean text, no run of a's worth backtracking")).isEmpty();
    }

    @Test
    void theBudgetIsSharedByTheStringsOfOneBodySoAFloodOfSmallOnesStaysLinear() {
        SecretScanner catastrophic = withPatterns("((a+)+)+$");
        PatternBudget body = PatternBudget.fresh();
        String small = "a".repeat(24) + "b"; // alone, ((a+)+)+$ takes seconds on it
        long start = System.nanoTime();
        int undecided = 0;
        for (int i = 0; i < 50_000; i++) {
            undecided += catastrophic.scan(small, body).size();
        }
        assertThat(System.nanoTime() - start).as("50,000 strings").isLessThan(5_000_000_000L);
        assertThat(undecided).isEqualTo(50_000);
    }

    @Test
    void saneConfiguredPatternsNeverRunOutOnLongText() {
        SecretScanner sane = withPatterns("ACME-[0-9]{6}", "\\b[A-Za-z0-9]{40}\\b", "(?i)internal[-_ ]?token[:=]\\s*\\S{8,}");
        String code = "for (int i = 0; i < n; i++) { total += price[i] * qty[i]; } // ACME-12345 is not six digits\n";
        String text = code.repeat(10_000) + "x".repeat(200_000) + " ACME-123456";
        assertThat(sane.scan(text)).extracting(SecretScanner.Finding::start).containsExactly(text.length() - 11);
    }

    private static SecretScanner withPatterns(String... regexes) {
        List<SecretKind> kinds = new java.util.ArrayList<>(SecretKind.BUILT_IN);
        for (String regex : regexes) {
            kinds.add(SecretKind.custom(java.util.regex.Pattern.compile(regex)));
        }
        return new SecretScanner(kinds, Set.of());
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
