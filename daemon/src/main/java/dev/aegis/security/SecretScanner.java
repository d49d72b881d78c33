package dev.aegis.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Finds secrets in text. A literal-prefix prefilter ({@link String#indexOf}, which the JIT turns
 * into a vectorised search) runs first; a kind's pattern only runs where one of its prefixes is, so
 * text with no secret costs little more than a scan, and no input can make it backtrack.
 */
public final class SecretScanner {

    /** One secret: its kind and where it is in the text. */
    public record Finding(String kind, int start, int end) {}

    private final List<SecretKind> kinds;
    private final Set<String> allowed;

    /** @param allowed exact values that are not secrets here (test fixtures, public demo keys) */
    public SecretScanner(List<SecretKind> kinds, Set<String> allowed) {
        this.kinds = List.copyOf(kinds);
        this.allowed = Set.copyOf(allowed);
    }

    public List<Finding> scan(String text) {
        List<Finding> out = null;
        for (SecretKind kind : kinds) {
            if (kind.prefixes().equals(List.of(""))) {
                out = findAnywhere(kind, text, out);
                continue;
            }
            for (String prefix : kind.prefixes()) {
                int from = text.indexOf(prefix);
                Matcher m = null;
                while (from >= 0) {
                    int next = from + 1;
                    if (!kind.wordStart() || from == 0 || !isWordChar(text.charAt(from - 1))) {
                        m = m == null ? kind.pattern().matcher(text) : m;
                        m.region(from, text.length());
                        if (m.lookingAt()) {
                            String value = text.substring(from, m.end());
                            if (!allowed.contains(value) && !overlaps(out, from, m.end())) {
                                if (out == null) {
                                    out = new ArrayList<>();
                                }
                                out.add(new Finding(kind.name(), from, m.end()));
                            }
                            next = m.end();
                        }
                    }
                    from = text.indexOf(prefix, next);
                }
            }
        }
        return out == null ? List.of() : out;
    }

    /** Configured patterns have no known prefix: searched for anywhere. */
    private List<Finding> findAnywhere(SecretKind kind, String text, List<Finding> out) {
        Matcher m = kind.pattern().matcher(text);
        while (m.find()) {
            if (m.end() > m.start() && !allowed.contains(m.group()) && !overlaps(out, m.start(), m.end())) {
                if (out == null) {
                    out = new ArrayList<>();
                }
                out.add(new Finding(kind.name(), m.start(), m.end()));
            }
        }
        return out;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-';
    }

    private static boolean overlaps(List<Finding> found, int start, int end) {
        if (found == null) {
            return false;
        }
        for (Finding f : found) {
            if (start < f.end() && f.start() < end) {
                return true;
            }
        }
        return false;
    }

    /** The text with each finding replaced by {@code [REDACTED:<kind>]}. */
    public static String redact(String text, List<Finding> findings) {
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort((a, b) -> Integer.compare(a.start(), b.start()));
        StringBuilder sb = new StringBuilder(text.length());
        int pos = 0;
        for (Finding f : sorted) {
            sb.append(text, pos, f.start()).append("[REDACTED:").append(f.kind()).append(']');
            pos = f.end();
        }
        return sb.append(text, pos, text.length()).toString();
    }
}
