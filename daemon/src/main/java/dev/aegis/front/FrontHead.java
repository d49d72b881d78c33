package dev.aegis.front;

import dev.aegis.http1.Tchar;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * The front's reading of a request head: strict, and only for what it serves. A head is taken when
 * its request line is {@code METHOD /path HTTP/1.1} for a route the front serves (a path of letters,
 * digits, {@code -}, {@code _} and single slashes: nothing to decode, no query), every header line
 * is a token, a colon and a value of visible ASCII, and the request declares one {@code
 * Content-Length} and one allowed {@code Host}. Anything else, from the first byte that says so, is
 * deferred: the connection goes to Jetty with every byte read so far, and Jetty parses, refuses or
 * serves it exactly as it would have without the front (chunked bodies, {@code Expect},
 * upgrades, browsers' {@code Origin}, odd spellings, heads larger than the front's buffer).
 */
final class FrontHead {

    /** What a parse found. */
    sealed interface Parsed permits Incomplete, Defer, RequestHead {}

    /** More bytes are needed before anything can be said. */
    record Incomplete() implements Parsed {}

    /** Jetty's to serve, for the reason given (for tests and the debug log). */
    record Defer(String why) implements Parsed {}

    static final Incomplete INCOMPLETE = new Incomplete();

    /** Headers that ask for what only Jetty does (and {@code Origin}: CORS and the browser checks). */
    private static final List<String> JETTYS = List.of("transfer-encoding", "expect", "upgrade", "origin",
            "http2-settings", "sec-websocket-key", "sec-websocket-version", "content-range");

    private static final int MAX_METHOD = 16;
    private static final String LOOPBACK_V6 = "[::1]";

    private FrontHead() {}

    /**
     * Reads the head that starts at {@code from} in {@code buf} (bytes up to {@code to} have come).
     *
     * @param serves whether the front serves this method and path
     * @param hostAllowed whether a {@code Host} value names this daemon ({@code AllowedHosts})
     */
    static Parsed parse(byte[] buf, int from, int to, BiPredicate<String, String> serves, Predicate<String> hostAllowed) {
        int lineEnd = lineEnd(buf, from, to);
        if (lineEnd == -2) {
            return new Defer("a control character in the request line");
        }
        if (lineEnd < 0) {
            return firstBytesOk(buf, from, to) ? INCOMPLETE : new Defer("not a request line the front serves");
        }
        int sp1 = indexOf(buf, from, lineEnd, (byte) ' ');
        if (sp1 <= from || sp1 - from > MAX_METHOD || !upperCase(buf, from, sp1)) {
            return new Defer("method");
        }
        int sp2 = indexOf(buf, sp1 + 1, lineEnd, (byte) ' ');
        if (sp2 < 0 || !plainPath(buf, sp1 + 1, sp2) || !isHttp11(buf, sp2 + 1, lineEnd - 1)) {
            return new Defer("request target or version");
        }
        String method = ascii(buf, from, sp1);
        String path = ascii(buf, sp1 + 1, sp2);
        if (!serves.test(method, path)) {
            return new Defer("route");
        }
        List<String> names = new ArrayList<>(16);
        List<String> values = new ArrayList<>(16);
        int at = lineEnd + 1;
        while (true) {
            int end = lineEnd(buf, at, to);
            if (end == -2) {
                return new Defer("a control character in a header");
            }
            if (end < 0) {
                return INCOMPLETE;
            }
            if (end == at + 1) {
                return head(method, path, names, values, end + 1 - from, hostAllowed);
            }
            if (buf[at] == ' ' || buf[at] == '\t') {
                return new Defer("a folded header line");
            }
            int colon = at;
            while (colon < end - 1 && Tchar.is(buf[colon])) {
                colon++;
            }
            if (colon == at || buf[colon] != ':') {
                return new Defer("a header name");
            }
            int vStart = colon + 1;
            int vEnd = end - 1;
            while (vStart < vEnd && (buf[vStart] == ' ' || buf[vStart] == '\t')) {
                vStart++;
            }
            while (vEnd > vStart && (buf[vEnd - 1] == ' ' || buf[vEnd - 1] == '\t')) {
                vEnd--;
            }
            for (int i = vStart; i < vEnd; i++) {
                byte b = buf[i];
                if ((b < 0x20 && b != '\t') || b >= 0x7f) {
                    return new Defer("a header value's bytes");
                }
            }
            names.add(ascii(buf, at, colon));
            values.add(ascii(buf, vStart, vEnd));
            at = end + 1;
        }
    }

    private static Parsed head(String method, String path, List<String> names, List<String> values, int length,
            Predicate<String> hostAllowed) {
        long contentLength = -1;
        String host = null;
        boolean close = false;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).toLowerCase(Locale.ROOT);
            String value = values.get(i);
            switch (name) {
                case "content-length" -> {
                    if (contentLength >= 0 || value.isEmpty() || value.length() > 15 || !digits(value)) {
                        return new Defer("Content-Length");
                    }
                    contentLength = Long.parseLong(value);
                }
                case "host" -> {
                    if (host != null) {
                        return new Defer("two Host lines");
                    }
                    host = value;
                }
                case "connection" -> {
                    for (String option : value.split(",")) {
                        String o = option.trim();
                        if (o.equalsIgnoreCase("close")) {
                            close = true;
                        } else if (!o.equalsIgnoreCase("keep-alive")) {
                            return new Defer("Connection: " + o);
                        }
                    }
                }
                default -> {
                    if (JETTYS.contains(name)) {
                        return new Defer(name);
                    }
                }
            }
        }
        if (contentLength < 0) {
            return new Defer("no Content-Length");
        }
        if (host == null || !hostPort(host) || !hostAllowed.test(host)) {
            return new Defer("Host");
        }
        return new RequestHead(method, path, names.toArray(String[]::new), values.toArray(String[]::new), length,
                contentLength, close);
    }

    /**
     * The index of the {@code \n} ending the CRLF line starting at {@code from}: -1 when it has not
     * come yet, -2 at a control character (a CR not followed by LF, a bare LF, NUL...) other than a
     * tab.
     */
    private static int lineEnd(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = buf[i];
            if (b == '\r') {
                if (i + 1 == to) {
                    return -1;
                }
                return buf[i + 1] == '\n' ? i + 1 : -2;
            }
            if (b < 0x20 && b != '\t' || b == 0x7f) {
                return -2;
            }
        }
        return -1;
    }

    /** Whether an unfinished request line still starts the way one the front could serve does. */
    private static boolean firstBytesOk(byte[] buf, int from, int to) {
        int i = from;
        while (i < to && i - from <= MAX_METHOD && buf[i] >= 'A' && buf[i] <= 'Z') {
            i++;
        }
        if (i == to) {
            return true;
        }
        if (i == from || buf[i] != ' ') {
            return false;
        }
        i++;
        if (i == to) {
            return true;
        }
        if (buf[i] != '/') {
            return false;
        }
        for (i++; i < to && buf[i] != ' '; i++) {
            if (!pathByte(buf[i]) || buf[i] == '/' && buf[i - 1] == '/') {
                return false;
            }
        }
        return true;
    }

    private static boolean plainPath(byte[] buf, int from, int to) {
        if (to - from < 2 || buf[from] != '/') {
            return false;
        }
        for (int i = from + 1; i < to; i++) {
            if (!pathByte(buf[i]) || buf[i] == '/' && buf[i - 1] == '/') {
                return false;
            }
        }
        return true;
    }

    private static boolean pathByte(byte b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '/' || b == '-' || b == '_';
    }

    private static boolean isHttp11(byte[] buf, int from, int to) {
        byte[] v = {'H', 'T', 'T', 'P', '/', '1', '.', '1'};
        if (to - from != v.length) {
            return false;
        }
        for (int i = 0; i < v.length; i++) {
            if (buf[from + i] != v[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean upperCase(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] < 'A' || buf[i] > 'Z') {
                return false;
            }
        }
        return true;
    }

    /**
     * A {@code Host} value as Jetty reads one without refusing it: a name or IPv4 address (letters,
     * digits, dots, hyphens) or {@code [::1]}, and an optional port of 1 to 5 digits up to 65535.
     */
    static boolean hostPort(String host) {
        int i = 0;
        int n = host.length();
        if (host.startsWith("[")) {
            // IPv6 literals are Jetty's to validate, but for the loopback one.
            if (!host.startsWith(LOOPBACK_V6)) {
                return false;
            }
            i = LOOPBACK_V6.length();
        } else {
            for (; i < n && host.charAt(i) != ':'; i++) {
                char c = host.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-')) {
                    return false;
                }
            }
            if (i == 0) {
                return false;
            }
        }
        if (i == n) {
            return true;
        }
        String port = host.substring(i + 1);
        return host.charAt(i) == ':' && !port.isEmpty() && port.length() <= 5 && digits(port)
                && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] buf, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static String ascii(byte[] buf, int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
