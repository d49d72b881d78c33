package dev.aegis.json;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * JSON exchanged between systems is UTF-8 (RFC 8259, section 8.1), and Aegis edits and slices it
 * by byte offsets. A JSON parser given bytes guesses their encoding from the first four: a NUL
 * among them, or a UTF-16 byte order mark, makes it read UTF-16 or UTF-32 (with offsets counted in
 * characters). This tells those bytes apart before any parser sees them, by the same marks.
 */
public final class Utf8Json {

    private static final Charset UTF_32BE = Charset.forName("UTF-32BE");
    private static final Charset UTF_32LE = Charset.forName("UTF-32LE");

    private Utf8Json() {}

    /** True when {@code buf[from, to)} starts the way UTF-16 or UTF-32 text does, which UTF-8 JSON never does. */
    public static boolean notUtf8(byte[] buf, int from, int to) {
        return wideCharset(buf, from, to) != null;
    }

    /** The UTF-16 or UTF-32 form {@code buf[from, to)} starts like (byte order mark or NUL pattern), or null. */
    public static Charset wideCharset(byte[] buf, int from, int to) {
        int n = to - from;
        if (n >= 2 && (buf[from] & 0xff) == 0xFE && (buf[from + 1] & 0xff) == 0xFF) {
            return StandardCharsets.UTF_16BE;
        }
        if (n >= 2 && (buf[from] & 0xff) == 0xFF && (buf[from + 1] & 0xff) == 0xFE) {
            return n >= 4 && buf[from + 2] == 0 && buf[from + 3] == 0 ? UTF_32LE : StandardCharsets.UTF_16LE;
        }
        if (n >= 4 && buf[from] == 0 && buf[from + 1] == 0) {
            return UTF_32BE;
        }
        if (n >= 4 && buf[from + 1] == 0 && buf[from + 2] == 0 && buf[from + 3] == 0) {
            return UTF_32LE;
        }
        if (n >= 2 && buf[from] == 0) {
            return StandardCharsets.UTF_16BE;
        }
        if (n >= 2 && buf[from + 1] == 0) {
            return StandardCharsets.UTF_16LE;
        }
        return null;
    }
}
