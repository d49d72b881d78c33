package dev.aegis.cli.output;

import dev.aegis.ids.Ids;

/**
 * Text from the store or the daemon made safe to print: every character a terminal would act on
 * instead of show (controls such as ESC, CR and LF, C1 controls, bidirectional overrides, zero-width
 * characters; see {@link Ids#printable}) is written as an escape, {@code \x1b} or {@code \u202e}, so a
 * model, tenant, run or key name can neither break a table nor replay an escape sequence. Every
 * command that prints such text goes through here ({@link Table}, {@link BarChart}, {@link CallLine}).
 */
public final class TerminalText {

    private TerminalText() {}

    /** The text with every non-printable character escaped; null stays null. */
    public static String escape(String text) {
        if (text == null || allPrintable(text)) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (Ids.printable(c)) {
                sb.appendCodePoint(c);
            } else if (c <= 0xFF) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.append(String.format("\\u%04x", c));
            }
            i += Character.charCount(c);
        }
        return sb.toString();
    }

    private static boolean allPrintable(String text) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (!Ids.printable(c)) {
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }
}
