package dev.aegis.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** A prefix found through a shorter, shared anchor: the prefix starts {@code offset} chars before it. */
    private record Candidate(SecretKind kind, String prefix, int offset) {}

    /**
     * Anchors shared by several prefixes, so the text is searched once per anchor instead of once
     * per prefix (about ten passes instead of twenty). A prefix not listed is its own anchor; an
     * anchor must be a substring of each prefix it stands for.
     */
    private static final Map<String, String> ANCHORS = Map.ofEntries(
            Map.entry("AKIA", "IA"), Map.entry("ASIA", "IA"),
            Map.entry("ghp_", "gh"), Map.entry("gho_", "gh"), Map.entry("ghu_", "gh"), Map.entry("ghs_", "gh"),
            Map.entry("ghr_", "gh"),
            Map.entry("sk-ant-", "sk"), Map.entry("sk-", "sk"), Map.entry("sk_live_", "_live_"),
            Map.entry("rk_live_", "_live_"),
            Map.entry("aws_secret", "ecret"), Map.entry("aws-secret", "ecret"), Map.entry("SecretAccessKey", "ecret"),
            Map.entry("AWS_SECRET", "ECRET"));

    private final List<SecretKind> anywhere = new ArrayList<>();
    private final Map<String, List<Candidate>> byAnchor = new LinkedHashMap<>();
    private final Set<String> allowed;

    /** @param allowed exact values that are not secrets here (test fixtures, public demo keys) */
    public SecretScanner(List<SecretKind> kinds, Set<String> allowed) {
        for (SecretKind kind : kinds) {
            if (kind.prefixes().equals(List.of(""))) {
                anywhere.add(kind);
                continue;
            }
            for (String prefix : kind.prefixes()) {
                String anchor = ANCHORS.getOrDefault(prefix, prefix);
                if (!prefix.contains(anchor)) {
                    throw new IllegalStateException("anchor " + anchor + " is not part of prefix " + prefix);
                }
                byAnchor.computeIfAbsent(anchor, a -> new ArrayList<>())
                        .add(new Candidate(kind, prefix, prefix.indexOf(anchor)));
            }
        }
        this.allowed = Set.copyOf(allowed);
    }

    public List<Finding> scan(String text) {
        List<Finding> out = null;
        for (Map.Entry<String, List<Candidate>> e : byAnchor.entrySet()) {
            String anchor = e.getKey();
            int at = text.indexOf(anchor);
            while (at >= 0) {
                int next = at + 1;
                for (Candidate c : e.getValue()) {
                    int from = at - c.offset();
                    if (from >= 0 && text.startsWith(c.prefix(), from)) {
                        int end = matchAt(c.kind(), text, from);
                        if (end > 0) {
                            String value = text.substring(from, end);
                            if (!allowed.contains(value) && !overlaps(out, from, end)) {
                                if (out == null) {
                                    out = new ArrayList<>();
                                }
                                out.add(new Finding(c.kind().name(), from, end));
                            }
                            next = Math.max(next, end);
                            break;
                        }
                    }
                }
                at = text.indexOf(anchor, next);
            }
        }
        for (SecretKind kind : anywhere) {
            out = findAnywhere(kind, text, out);
        }
        return out == null ? List.of() : out;
    }

    /** Where the kind's secret starting at {@code from} ends, or -1 when there is none. */
    private static int matchAt(SecretKind kind, String text, int from) {
        if (kind.wordStart() && from > 0 && isWordChar(text.charAt(from - 1))) {
            return -1;
        }
        Matcher m = kind.pattern().matcher(text);
        m.region(from, text.length());
        return m.lookingAt() ? m.end() : -1;
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
