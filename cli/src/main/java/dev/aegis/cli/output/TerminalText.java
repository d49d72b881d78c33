package dev.aegis.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.aegis.ids.Ids;
import org.jline.utils.AttributedString;

/**
 * Text from the store or the daemon made safe to print: every character a terminal would act on
 * instead of show (controls such as ESC, CR and LF, C1 controls, bidirectional overrides, zero-width
 * characters; see {@link Ids#printable}) is written as an escape, {@code \x1b} or <code>&#92;u202e</code>, so a
 * model, tenant, run or key name can neither break a table nor replay an escape sequence. Every
 * command that prints such text goes through here ({@link Table}, {@link BarChart}, {@link CallLine}),
 * and JSON output through {@link #json}.
 */
public final class TerminalText {

    /** JSON's own escapes (C0), plus <code>&#92;u</code> escapes for DEL, C1 and every other non-printable character. */
    private static final CharacterEscapes JSON_ESCAPES = new CharacterEscapes() {
        private final int[] ascii = escapes();

        private static int[] escapes() {
            int[] codes = CharacterEscapes.standardAsciiEscapesForJSON();
            codes[0x7f] = CharacterEscapes.ESCAPE_STANDARD;
            return codes;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int c) {
            // Each half of a surrogate pair comes here alone: pairs are printable characters.
            return Character.isSurrogate((char) c) || Ids.printable(c) ? null
                    : new SerializedString(String.format("\\u%04x", c));
        }
    };

    /** Decimals (money read back from the daemon) stay plain: {@code 0.0000001}, never {@code 1E-7}. */
    private static final ObjectWriter JSON = dev.aegis.json.Json.mapper().writer().with(JSON_ESCAPES)
            .with(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private TerminalText() {}

    /** JSON as one line, every non-printable character in a string escaped (<code>&#92;u009b</code>); same data. */
    public static String json(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A message for the terminal: each line {@link #escape}d, the line breaks kept. An error may quote what it was
     * given (an id, a path, a value from a file), and an escape sequence in that must reach the terminal as text.
     */
    public static String escapeLines(String text) {
        if (text == null || allPrintable(text.replace('\n', ' '))) {
            return text;
        }
        return String.join("\n", text.lines().map(TerminalText::escape).toList());
    }

    /**
     * How many terminal columns {@code text} takes (jline's measure, as the live view's: two for a wide character,
     * CJK and most emoji, none for a combining one).
     */
    public static int width(String text) {
        return new AttributedString(text).columnLength();
    }

    /** {@code text} in at most {@code columns} terminal columns: cut with an ellipsis when wider. */
    public static String cut(String text, int columns) {
        AttributedString s = new AttributedString(text);
        return s.columnLength() <= columns ? text : s.columnSubSequence(0, columns - 1) + "…";
    }

    /** {@code text} in exactly {@code columns} terminal columns: cut, or padded with spaces on the right. */
    public static String fit(String text, int columns) {
        String cut = cut(text, columns);
        return cut + " ".repeat(Math.max(0, columns - width(cut)));
    }

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

    /** A count and its noun, the noun in the plural but for one: {@code "1 call"}, {@code "3 calls"}. */
    public static String counted(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
