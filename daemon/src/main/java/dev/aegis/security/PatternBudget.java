package dev.aegis.security;

/**
 * How many characters the configured patterns ({@code security.secrets.extra_patterns}) may still
 * read. An operator's regular expression can backtrack for ages ({@code ((a+)+)+$} on a long run of
 * {@code a}s): it reads the text through {@link #meter(String)}, which counts every character read
 * and gives up once the budget is spent. The budget is {@value #BASE_STEPS} reads plus
 * {@value #STEPS_PER_CHAR} per character scanned, shared by every string of one body, so the scan
 * of a body stays linear in its size whatever the patterns (a flood of tiny strings earns nothing
 * extra). A sane pattern reads each character a few times and never comes near it. Not thread-safe:
 * one per body.
 */
public final class PatternBudget {

    static final long BASE_STEPS = 1_000_000;
    static final int STEPS_PER_CHAR = 32;

    /** Thrown from {@code charAt} when the budget is spent; one instance, no stack trace. */
    static final class Spent extends RuntimeException {
        private Spent() {
            super("the configured patterns' budget is spent", null, false, false);
        }
    }

    private static final Spent SPENT = new Spent();

    private long left;

    private PatternBudget(long left) {
        this.left = left;
    }

    /** A budget for one body (or one text scanned on its own). */
    public static PatternBudget fresh() {
        return new PatternBudget(BASE_STEPS);
    }

    /** Adds the reads a text of this many characters earns. */
    void earn(int chars) {
        left += (long) STEPS_PER_CHAR * chars;
    }

    /** The text as patterns should read it: each character read costs one step. */
    CharSequence meter(String text) {
        return new Metered(text);
    }

    private final class Metered implements CharSequence {
        private final String text;

        Metered(String text) {
            this.text = text;
        }

        @Override
        public char charAt(int index) {
            if (--left < 0) {
                left = 0;
                throw SPENT;
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
