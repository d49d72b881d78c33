package dev.aegis.proxy;

import dev.aegis.http.ApiException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The path of a proxied call, decoded and normalised before anything matches it, in one canonical
 * spelling: what {@link Endpoint#of} matches, {@code passthrough.allow} is checked against and the
 * provider receives. Every character outside RFC 3986's unreserved set and {@code !$&'()*+,=:@} is
 * percent-encoded (upper-case hex, UTF-8), nothing else is, so {@code /chat/%63ompletions} is
 * {@code /chat/completions} and one path has one spelling.
 *
 * <p>Paths another server could read differently are refused with 400 {@code invalid_request}:
 * an encoded {@code /}, {@code \} or {@code .} ({@code %2F}, {@code %5C}, {@code %2E}), a dot
 * segment ({@code .}, {@code ..}), an empty segment ({@code //}, a trailing {@code /}), a path
 * parameter ({@code ;}), a backslash, a malformed escape, and control characters or invalid UTF-8
 * once decoded.
 */
public final class CanonicalPath {

    /** The API version every OpenAI path lives under, at the provider's origin. */
    private static final String VERSION = "/v1";

    private CanonicalPath() {}

    /**
     * The canonical form of a raw (still percent-encoded) path.
     *
     * @param raw a path starting with {@code /}, as it came on the request line
     * @throws ApiException 400 {@code invalid_request} when the path is ambiguous
     */
    static String of(String raw) {
        if (raw.isEmpty() || raw.charAt(0) != '/') {
            throw refused("it does not start with /");
        }
        return isCanonical(raw) ? raw : canonicalize(raw);
    }

    /**
     * True when {@code raw} (starting with {@code /}) is its own canonical form: every segment is
     * non-empty, not a dot segment, and holds only characters the canonical form keeps as they are.
     * One scan, nothing allocated: the spelling every client sends ({@code /v1/chat/completions})
     * skips the decoding and encoding, ≈ 2.5 KB of garbage per call (issue 29).
     */
    static boolean isCanonical(String raw) {
        int segmentStart = 1;
        for (int i = 1; i <= raw.length(); i++) {
            char c = i < raw.length() ? raw.charAt(i) : '/';
            if (c == '/') {
                int length = i - segmentStart;
                if (length == 0 || raw.charAt(segmentStart) == '.' && (length == 1
                        || length == 2 && raw.charAt(segmentStart + 1) == '.')) {
                    return false;
                }
                segmentStart = i + 1;
            } else if (c >= 0x80 || !kept(c)) {
                return false;
            }
        }
        return true;
    }

    /** {@link #of} by decoding and encoding each segment. */
    static String canonicalize(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        int start = 1;
        while (true) {
            int end = raw.indexOf('/', start);
            String segment = raw.substring(start, end < 0 ? raw.length() : end);
            out.append('/').append(encode(decode(segment)));
            if (end < 0) {
                return out.toString();
            }
            start = end + 1;
        }
    }

    /**
     * True when a raw path below the API version is, once canonical, exactly {@code canonical}: how a
     * route Aegis answers itself ({@code GET /v1/models}) is found however the client spelled it
     * ({@code /v1/%6Dodels}), so no spelling reaches the provider instead. False for an ambiguous
     * path (the proxy then refuses it).
     */
    public static boolean names(String raw, String canonical) {
        try {
            return of(raw).equals(canonical);
        } catch (ApiException e) {
            return false;
        }
    }

    /** Like {@link #names}, for a path at the provider's origin ({@code /v1/models}). */
    public static boolean namesBelowVersion(String rawOriginPath, String canonical) {
        try {
            return belowVersion(rawOriginPath).equals(canonical);
        } catch (ApiException e) {
            return false;
        }
    }

    /**
     * A path at the provider's origin ({@code /api/proxy/openai/<path>}) as a path below its API
     * version: {@code /v1/responses} is {@code /responses}.
     *
     * @throws ApiException 400 when ambiguous, 404 {@code not_found} when it is not under {@code /v1/}
     */
    static String belowVersion(String rawOriginPath) {
        String path = of(rawOriginPath);
        if (!path.startsWith(VERSION + "/")) {
            throw ApiException.notFound("the provider serves its API under " + VERSION + "/: call /api/proxy/openai"
                    + VERSION + "/<path> (Codex: base_url = \".../api/proxy/openai/v1\"), or /api/proxy/openai alone for"
                    + " chat completions");
        }
        return path.substring(VERSION.length());
    }

    private static String decode(String segment) {
        if (segment.isEmpty()) {
            throw refused("it has an empty segment (//, or a trailing /)");
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw refused("it has a dot segment (. or ..)");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == ';' || c == '\\') {
                throw refused("it holds '" + c + "'");
            }
            if (c != '%') {
                if (c < 0x21 || c > 0x7e) {
                    throw refused("it holds a character that must be percent-encoded");
                }
                bytes.write(c);
                continue;
            }
            int value = i + 2 < segment.length() ? hex(segment.charAt(i + 1), segment.charAt(i + 2)) : -1;
            if (value < 0) {
                throw refused("it holds a malformed percent escape");
            }
            if (value == '/' || value == '\\' || value == '.') {
                throw refused("it holds an encoded '/', '\\' or '.'");
            }
            if (value < 0x20 || value == 0x7f) {
                throw refused("it holds an encoded control character");
            }
            bytes.write(value);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw refused("it is not UTF-8 once decoded");
        }
    }

    private static String encode(String decoded) {
        StringBuilder out = new StringBuilder(decoded.length());
        for (byte b : decoded.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && kept(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** RFC 3986's unreserved characters, and the sub-delimiters and {@code :@} a segment may hold as they are. */
    private static boolean kept(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,=:@".indexOf(c) >= 0;
    }

    private static int hex(char high, char low) {
        int h = high < 0x80 ? Character.digit(high, 16) : -1;
        int l = low < 0x80 ? Character.digit(low, 16) : -1;
        return h < 0 || l < 0 ? -1 : h * 16 + l;
    }

    private static ApiException refused(String why) {
        return ApiException.invalidRequest("the request path is ambiguous: " + why
                + "; send the plain path, e.g. /v1/chat/completions");
    }
}
