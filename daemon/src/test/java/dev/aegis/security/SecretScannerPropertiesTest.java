package dev.aegis.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The one pass with its anchor table finds exactly what the plain definition finds: try every kind
 * at every position, left to right, and go on after each secret found.
 */
class SecretScannerPropertiesTest {

    private static final SecretScanner SCANNER = new SecretScanner(SecretKind.BUILT_IN, Set.of());

    /** The definition, slowly: every position, every prefix. */
    private static List<SecretScanner.Finding> everyPosition(String text) {
        List<SecretScanner.Finding> out = new ArrayList<>();
        int i = 0;
        next:
        while (i < text.length()) {
            for (SecretKind kind : SecretKind.BUILT_IN) {
                for (String prefix : kind.prefixes()) {
                    boolean startsWord = i == 0 || switch (kind.start()) {
                        case ANYWHERE -> true;
                        case WORD -> !Character.isLetterOrDigit(text.charAt(i - 1));
                        case TOKEN -> !isWordChar(text.charAt(i - 1));
                    };
                    if (text.startsWith(prefix, i) && startsWord) {
                        Matcher m = kind.pattern().matcher(text).region(i, text.length());
                        if (m.lookingAt()) {
                            out.add(new SecretScanner.Finding(kind.name(), i, m.end()));
                            i = m.end();
                            continue next;
                        }
                    }
                }
            }
            i++;
        }
        return out;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-';
    }

    /** Text made of prefixes, real secrets, separators and runs of key characters, in any order. */
    @Provide
    Arbitrary<String> secretish() {
        List<String> pieces = new ArrayList<>();
        SecretKind.BUILT_IN.forEach(k -> pieces.addAll(k.prefixes()));
        pieces.addAll(List.of(" ", "-", "_", ".", "\n", "=", "\"", "é", "Ā", "✓", "IA", "k-", "yJ", "gh", "-B",
                "AKIAIOSFODNN7EXAMPLE", "ghp_0123456789abcdefghijklmnopqrstuvwxyz", "-----BEGIN RSA PRIVATE KEY-----",
                "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "xoxb-1234567890",
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpM", "sk_live_51HqA2b3C4d5E6f7G8h9I0jK"));
        Arbitrary<String> run = Arbitraries.strings().withChars("abcXYZ0189_-").ofMinLength(1).ofMaxLength(45);
        return Arbitraries.oneOf(Arbitraries.of(pieces), run).list().ofMaxSize(40).map(l -> String.join("", l));
    }

    @Property(tries = 500)
    void theOnePassFindsWhatTryingEveryPositionFinds(@ForAll("secretish") String text) {
        assertThat(SCANNER.scan(text)).as(text).isEqualTo(everyPosition(text));
    }
}
