package dev.aegis.security;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Finds secrets in text in one pass. Every prefix has an anchor, two of its characters chosen to be
 * rare in ordinary text and code; the pass reads each character once, looks the pair it ends up in
 * a 16,384-entry table, and only where an anchor pair is does it compare prefixes and run a kind's
 * pattern. Text with no secret costs one table lookup per character.
 *
 * <p>Linear on any input: the patterns are anchored at their prefix and possessive (they never
 * backtrack), a kind that must start a word is not tried inside one, findings come out in order so
 * overlap is one comparison, and the pass resumes after each finding. Configured patterns, which may
 * backtrack, read the text through a {@link PatternBudget}: a pattern that has not decided when the
 * budget is spent counts the rest of the text as a {@code custom} secret (fail closed).
 */
public final class SecretScanner {

    /** One secret: its kind and where it is in the text. */
    public record Finding(String kind, int start, int end) {}

    /** A prefix whose anchor pair starts {@code offset} chars into it. */
    private record Candidate(SecretKind kind, int index, String prefix, int offset) {}

    /**
     * The anchor pair of each prefix: two adjacent characters of it that ordinary prose and code
     * seldom hold ({@code IA}, {@code k-}, {@code yJ}...). A prefix not listed is anchored at its
     * first two characters ({@code gh} for {@code ghp_}...{@code github_pat_}).
     */
    private static final Map<String, String> ANCHORS = Map.ofEntries(
            Map.entry("AKIA", "IA"), Map.entry("ASIA", "IA"),
            Map.entry("sk-ant-", "k-"), Map.entry("sk-", "k-"), Map.entry("sk_live_", "k_"), Map.entry("rk_live_", "k_"),
            Map.entry("aws_secret", "ws"), Map.entry("aws-secret", "ws"), Map.entry("AWS_SECRET", "WS"),
            Map.entry("SecretAccessKey", "tA"), Map.entry("AIza", "Iz"), Map.entry("xox", "xo"),
            Map.entry("-----BEGIN", "-B"), Map.entry("eyJ", "yJ"));

    private static final int PAIRS = 1 << 14;

    /** Whether a pair (7 bits each, the low bits of a char) is some prefix's anchor. */
    private final boolean[] isAnchor = new boolean[PAIRS];
    private final Candidate[][] byAnchor = new Candidate[PAIRS][];
    private final List<SecretKind> kinds;
    private final List<SecretKind> anywhere = new ArrayList<>();
    private final Set<String> allowed;

    /** @param allowed exact values that are not secrets here (test fixtures, public demo keys) */
    public SecretScanner(List<SecretKind> kinds, Set<String> allowed) {
        this.kinds = List.copyOf(kinds);
        for (int k = 0; k < this.kinds.size(); k++) {
            SecretKind kind = this.kinds.get(k);
            if (kind.anywhere()) {
                anywhere.add(kind);
                continue;
            }
            for (String prefix : kind.prefixes()) {
                String anchor = ANCHORS.getOrDefault(prefix, prefix.length() < 2 ? prefix : prefix.substring(0, 2));
                if (anchor.length() != 2 || !prefix.contains(anchor)) {
                    throw new IllegalStateException("the anchor of prefix '" + prefix + "' must be two of its characters");
                }
                int pair = pair(anchor.charAt(0), anchor.charAt(1));
                Candidate c = new Candidate(kind, k, prefix, prefix.indexOf(anchor));
                Candidate[] old = byAnchor[pair];
                Candidate[] grown = old == null ? new Candidate[1] : java.util.Arrays.copyOf(old, old.length + 1);
                grown[grown.length - 1] = c;
                byAnchor[pair] = grown;
                isAnchor[pair] = true;
            }
        }
        this.allowed = Set.copyOf(allowed);
    }

    private static int pair(char first, char second) {
        return ((first & 0x7F) << 7) | (second & 0x7F);
    }

    /** Every secret in the text, in order of position, none overlapping. */
    public List<Finding> scan(String text) {
        return scan(text, PatternBudget.fresh());
    }

    /**
     * Every secret in the text, in order of position, none overlapping; configured patterns spend
     * {@code budget}, which the caller shares between the strings of one body.
     */
    public List<Finding> scan(String text, PatternBudget budget) {
        int n = text.length();
        List<Finding> out = null;
        Matcher[] matchers = null;
        int resume = 0;
        for (int i = 1; i < n; i++) {
            int pair = pair(text.charAt(i - 1), text.charAt(i));
            if (!isAnchor[pair]) {
                continue;
            }
            for (Candidate c : byAnchor[pair]) {
                int from = i - 1 - c.offset();
                // inside a word first: one char, and it settles most hits on hostile text (eyJeyJ...)
                if (from < resume || (from > 0 && continuesWord(c.kind().start(), text.charAt(from - 1)))
                        || !text.startsWith(c.prefix(), from)) {
                    continue;
                }
                if (matchers == null) {
                    matchers = new Matcher[kinds.size()];
                }
                Matcher m = matchers[c.index()];
                if (m == null) {
                    m = matchers[c.index()] = c.kind().pattern().matcher(text);
                }
                m.region(from, n);
                if (!m.lookingAt()) {
                    continue;
                }
                int end = m.end();
                if (!allowed.isEmpty() && allowed.contains(text.substring(from, end))) {
                    continue;
                }
                if (out == null) {
                    out = new ArrayList<>();
                }
                out.add(new Finding(c.kind().name(), from, end));
                resume = end;
                i = Math.max(i, end);
                break;
            }
        }
        if (!anywhere.isEmpty() && n > 0) {
            budget.earn(n);
            for (SecretKind kind : anywhere) {
                out = findAnywhere(kind, text, out, budget);
            }
        }
        return out == null ? List.of() : out;
    }

    /**
     * Configured patterns have no known prefix: searched for anywhere, kept where no other finding is.
     * One that spends the budget before it has decided marks the text from where it was searching to
     * the end as a {@code custom} secret.
     */
    private List<Finding> findAnywhere(SecretKind kind, String text, List<Finding> out, PatternBudget budget) {
        Matcher m = kind.pattern().matcher(budget.meter(text));
        List<Finding> added = null;
        int searched = 0;
        try {
            while (m.find()) {
                int start = m.start();
                int end = m.end();
                searched = end;
                if (end > start && !allowed.contains(text.substring(start, end)) && !overlaps(out, start, end)) {
                    if (added == null) {
                        added = new ArrayList<>();
                    }
                    added.add(new Finding(kind.name(), start, end));
                }
            }
        } catch (PatternBudget.Spent spent) {
            return undecided(merge(out, added), searched, text.length());
        }
        return merge(out, added);
    }

    /** The findings before {@code from}, then one {@code custom} finding over the rest (and whatever it overlaps). */
    private static List<Finding> undecided(List<Finding> found, int from, int end) {
        List<Finding> kept = new ArrayList<>();
        int start = from;
        if (found != null) {
            for (Finding f : found) {
                if (f.end() <= from) {
                    kept.add(f);
                } else {
                    start = Math.min(start, f.start());
                }
            }
        }
        kept.add(new Finding(SecretKind.CUSTOM, start, end));
        return kept;
    }

    private static List<Finding> merge(List<Finding> out, List<Finding> added) {
        if (added == null) {
            return out;
        }
        List<Finding> merged = out == null ? added : new ArrayList<>(out);
        if (out != null) {
            merged.addAll(added);
            merged.sort(Comparator.comparingInt(Finding::start));
        }
        return merged;
    }

    private static final boolean[] ASCII_WORD = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            ASCII_WORD[c] = Character.isLetterOrDigit(c) || c == '_' || c == '-';
        }
    }

    private static boolean isWordChar(char c) {
        return c < 128 ? ASCII_WORD[c] : Character.isLetterOrDigit(c);
    }

    /** Whether a prefix right after {@code before} would be inside a word for a kind that starts so. */
    private static boolean continuesWord(SecretKind.Start start, char before) {
        return switch (start) {
            case ANYWHERE -> false;
            case WORD -> before != '_' && before != '-' && isWordChar(before);
            case TOKEN -> isWordChar(before);
        };
    }

    /** Whether [start, end) overlaps one of the findings, which are in order and do not overlap. */
    private static boolean overlaps(List<Finding> found, int start, int end) {
        if (found == null) {
            return false;
        }
        int lo = 0;
        int hi = found.size() - 1;
        while (lo <= hi) { // the last finding that starts before end
            int mid = (lo + hi) >>> 1;
            if (found.get(mid).start() < end) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi >= 0 && found.get(hi).end() > start;
    }

    /** The text with each finding replaced by {@code [REDACTED:<kind>]}. */
    public static String redact(String text, List<Finding> findings) {
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparingInt(Finding::start));
        StringBuilder sb = new StringBuilder(text.length());
        int pos = 0;
        for (Finding f : sorted) {
            sb.append(text, pos, f.start()).append("[REDACTED:").append(f.kind()).append(']');
            pos = f.end();
        }
        return sb.append(text, pos, text.length()).toString();
    }
}
