package dev.aegis.security;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a string or a body says once its escapes are undone, for the secret scan: a secret can hide
 * behind &#92;u0041KIA… inside a string that is itself JSON (a tool call's {@code arguments},
 * which a translation to another provider's format parses and sends decoded), behind {@code %41KIA…}
 * in a form body, or sit in the text parts of a body that is not text as a whole (one stray byte, an
 * image beside a text field in a multipart upload).
 */
final class EncodedText {

    /** Escapes inside escapes ({@code \\u0041} in JSON held in JSON) are undone this many levels deep. */
    private static final int LEVELS = 3;

    /** The shortest run of text looked at in a binary body: shorter than any secret the scan knows. */
    static final int MIN_RUN = 8;

    private EncodedText() {}

    /**
     * The text with each &#92;uXXXX and each {@code %XX} of an ASCII character decoded (what a JSON or
     * URL decoder downstream may make of it), levels deep; null when it holds neither.
     */
    static String decoded(String text) {
        if (text.indexOf('\\') < 0 && text.indexOf('%') < 0) {
            return null; // most strings: two vectorised searches, no walk of each character
        }
        String out = null;
        String in = text;
        for (int level = 0; level < LEVELS; level++) {
            String next = decodeOnce(in);
            if (next == null) {
                break;
            }
            out = next;
            in = next;
        }
        return out;
    }

    private static String decodeOnce(String s) {
        StringBuilder out = null;
        int copied = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            int value = -1;
            int length = 0;
            if (c == '\\' && i + 1 < n && s.charAt(i + 1) == 'u') {
                value = hex(s, i + 2, 4);
                length = 6;
            } else if (c == '%') {
                value = hex(s, i + 1, 2);
                value = value >= 0x80 ? -1 : value; // a byte of a UTF-8 sequence: secrets are ASCII
                length = 3;
            }
            if (value < 0) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n);
            }
            out.append(s, copied, i).append((char) value);
            copied = i + length;
            i += length - 1;
        }
        return out == null ? null : out.append(s, copied, n).toString();
    }

    /** The value of {@code digits} hex digits at {@code from}, or -1 when they are not all there. */
    private static int hex(String s, int from, int digits) {
        if (from + digits > s.length()) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < from + digits; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }

    /** The runs of printable ASCII (tabs and line ends included) at least {@link #MIN_RUN} long in a body. */
    static List<String> printableRuns(byte[] body) {
        List<String> runs = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= body.length; i++) {
            boolean text = i < body.length && printable(body[i]);
            if (text && start < 0) {
                start = i;
            } else if (!text && start >= 0) {
                if (i - start >= MIN_RUN) {
                    runs.add(new String(body, start, i - start, StandardCharsets.US_ASCII));
                }
                start = -1;
            }
        }
        return runs;
    }

    private static boolean printable(byte b) {
        return (b >= 0x20 && b < 0x7f) || b == '\t' || b == '\n' || b == '\r';
    }
}
