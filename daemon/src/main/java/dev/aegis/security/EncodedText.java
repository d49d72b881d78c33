package dev.aegis.security;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
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

    /** The shortest base64 looked at: the encoding of the shortest secret the scan knows (20 characters). */
    private static final int MIN_BASE64 = 28;
    /** How much of a base64 string is decoded first to see whether it holds text. */
    private static final int PROBE_CHARS = 96;

    /**
     * The text a base64 string holds (a document or file sent as base64: Anthropic's {@code source.data},
     * a Responses {@code file_data} data URL), which the provider decodes for its model: its runs of
     * printable ASCII, or the whole of it when it is UTF-16. Null when the string is not base64 as a
     * whole (a {@code data:...;base64,} URL's payload counts; line breaks and spaces are skipped, as a
     * decoder skips them) or what it holds starts as binary (an image), which is not decoded.
     */
    static String base64Text(String s) {
        int start = 0;
        if (s.regionMatches(true, 0, "data:", 0, 5)) {
            int comma = s.indexOf(',');
            if (comma < 7 || !s.regionMatches(true, comma - 7, ";base64", 0, 7)) {
                return null;
            }
            start = comma + 1;
        }
        int n = s.length();
        if (n - start < MIN_BASE64) {
            return null;
        }
        StringBuilder probe = new StringBuilder(PROBE_CHARS);
        for (int i = start; i < n && probe.length() < PROBE_CHARS; i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == ' ' || c == '\t') {
                continue;
            }
            if (!base64(c)) {
                return null;
            }
            probe.append(c);
        }
        int whole = probe.length() - probe.length() % 4;
        try {
            byte[] head = decode(probe.substring(0, whole));
            if (utf16(head)) {
                return new String(decode(s.substring(start)), utf16Charset(head));
            }
            if (!mostlyText(head)) {
                return null;
            }
            List<String> runs = printableRuns(decode(s.substring(start)));
            return runs.isEmpty() ? null : String.join("\n", runs);
        } catch (IllegalArgumentException e) {
            return null; // not base64 after all (a letter run, a hash)
        }
    }

    private static boolean base64(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '+' || c == '/' || c == '=' || c == '-' || c == '_';
    }

    /** Base64 or base64url; line breaks, spaces and anything else outside the alphabet skipped. */
    private static byte[] decode(String b64) {
        String standard = b64.indexOf('-') < 0 && b64.indexOf('_') < 0 ? b64 : b64.replace('-', '+').replace('_', '/');
        return Base64.getMimeDecoder().decode(standard);
    }

    /**
     * True when decoded bytes read as text in a one-byte encoding: at least 70% printable ASCII (a
     * Latin-1 or UTF-8 file, one with a stray control character, a PDF with its text streams), where
     * an image's first bytes are mostly binary.
     */
    private static boolean mostlyText(byte[] bytes) {
        int printable = 0;
        for (byte b : bytes) {
            if (printable(b)) {
                printable++;
            }
        }
        return bytes.length > 0 && printable * 10 >= bytes.length * 7;
    }

    /** A byte-order mark, or a zero in every other byte with text between: UTF-16 text. */
    private static boolean utf16(byte[] bytes) {
        if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)
                || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
            return true;
        }
        int zeros = 0;
        int text = 0;
        for (int i = 0; i + 1 < bytes.length; i += 2) {
            boolean zeroFirst = bytes[i] == 0;
            byte other = zeroFirst ? bytes[i + 1] : bytes[i];
            if ((zeroFirst || bytes[i + 1] == 0) && printable(other)) {
                zeros++;
            }
            text++;
        }
        return text > 0 && zeros * 10 >= text * 9;
    }

    /** UTF-16 by its byte-order mark, else by where the zeros are (little-endian: after each character). */
    private static java.nio.charset.Charset utf16Charset(byte[] head) {
        if (head[0] == (byte) 0xFE || head[0] == (byte) 0xFF) {
            return StandardCharsets.UTF_16;
        }
        return head[0] == 0 ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE;
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
