package dev.aegis.proxy.http1;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A response head — status, headers — and what frames the body after it, decided as RFC 9112 §6.3
 * says, with every ambiguity an error ({@link MalformedAnswerException}) rather than a guess: a guess
 * that differs from the provider's leaves bytes of one answer on the connection to be read as the
 * next one, which may be another caller's.
 *
 * <ul>
 *   <li>no body after a HEAD request or a 1xx, 204 or 304 answer, whatever its headers say;
 *   <li>{@code Transfer-Encoding} must be exactly {@code chunked} (Aegis sends no {@code TE} header, so
 *       a provider may apply no other coding, and Aegis could not undo one), on HTTP/1.1, and without a
 *       {@code Content-Length};
 *   <li>{@code Content-Length} must be digits; repeated, its values must agree;
 *   <li>neither kind: the body ends when the provider closes the connection;
 *   <li>no folded header lines (obs-fold) or lines without a name; at most {@link #MAX_FIELDS} fields
 *       and {@link #MAX_HEAD_BYTES} in all (real providers send 20 to 40 fields, 2 to 3 KB).
 * </ul>
 */
record ResponseHead(int status, HttpHeaders headers, ResponseBody.Framing framing, long contentLength,
        boolean keepAlive) {

    static final int MAX_FIELDS = 100;
    static final int MAX_HEAD_BYTES = 64 * 1024;

    /** Reads the rest of a head whose status line was just read, for a request with the given method. */
    static ResponseHead read(Connection conn, String statusLine, boolean headRequest) throws IOException {
        int status = status(statusLine);
        boolean http10 = statusLine.charAt(7) == '0';
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        long length = -1;
        String transferEncoding = null;
        String connection = null;
        int fields = 0;
        int size = statusLine.length() + 2;
        String line;
        while (!(line = conn.readLine()).isEmpty()) {
            size += line.length() + 2;
            if (++fields > MAX_FIELDS || size > MAX_HEAD_BYTES) {
                throw new MalformedAnswerException("a head of more than " + MAX_FIELDS + " fields or "
                        + MAX_HEAD_BYTES / 1024 + " KiB");
            }
            char first = line.charAt(0);
            if (first == ' ' || first == '\t') {
                throw new MalformedAnswerException("a folded header line (obs-fold)");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new MalformedAnswerException("a header line without a name");
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            headers.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
            if (name.equalsIgnoreCase("content-length")) {
                length = contentLength(value, length);
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                transferEncoding = transferEncoding == null ? value : transferEncoding + "," + value;
            } else if (name.equalsIgnoreCase("connection")) {
                connection = connection == null ? value.toLowerCase(Locale.ROOT)
                        : connection + "," + value.toLowerCase(Locale.ROOT);
            }
        }
        ResponseBody.Framing framing;
        if (headRequest || status / 100 == 1 || status == 204 || status == 304) {
            framing = ResponseBody.Framing.NONE;
        } else if (transferEncoding != null) {
            if (length >= 0) {
                throw new MalformedAnswerException("both Transfer-Encoding and Content-Length");
            }
            if (http10) {
                throw new MalformedAnswerException("Transfer-Encoding on an HTTP/1.0 answer");
            }
            if (!onlyChunked(transferEncoding)) {
                throw new MalformedAnswerException("a transfer coding other than chunked");
            }
            framing = ResponseBody.Framing.CHUNKED;
        } else {
            framing = length >= 0 ? ResponseBody.Framing.LENGTH : ResponseBody.Framing.UNTIL_CLOSE;
        }
        boolean keepAlive = http10 ? connection != null && connection.contains("keep-alive")
                : connection == null || !connection.contains("close");
        return new ResponseHead(status, HttpHeaders.of(headers, (n, v) -> true), framing, length, keepAlive);
    }

    /** The status of {@code HTTP/1.x NNN[ reason]}; 101 is refused (Aegis never asks to switch protocols). */
    private static int status(String line) throws IOException {
        if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(7) != '0' && line.charAt(7) != '1'
                || line.charAt(8) != ' ' || line.length() > 12 && line.charAt(12) != ' ') {
            throw new MalformedAnswerException("not an HTTP/1.x status line");
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedAnswerException("not an HTTP/1.x status line");
            }
            status = status * 10 + (c - '0');
        }
        if (status < 100 || status == 101) {
            throw new MalformedAnswerException(status == 101 ? "a protocol switch Aegis did not ask for"
                    : "a status below 100");
        }
        return status;
    }

    /**
     * A {@code Content-Length} value (a list of equal values is accepted as one, RFC 9110 §8.6) merged
     * with one seen before in the same head (-1 for none).
     */
    private static long contentLength(String value, long before) throws IOException {
        long length = before;
        int from = 0;
        do {
            int comma = value.indexOf(',', from);
            int to = comma < 0 ? value.length() : comma;
            long n = digits(value, from, to);
            if (length >= 0 && n != length) {
                throw new MalformedAnswerException("Content-Length values that differ");
            }
            length = n;
            from = to + 1;
        } while (from <= value.length());
        return length;
    }

    private static long digits(String s, int from, int to) throws IOException {
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        if (from == to || to - from > 18) {
            throw new MalformedAnswerException("an invalid Content-Length");
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedAnswerException("an invalid Content-Length");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** True when the codings listed are exactly one: chunked. */
    private static boolean onlyChunked(String codings) {
        if (codings.equalsIgnoreCase("chunked")) {
            return true;
        }
        int named = 0;
        boolean chunked = false;
        for (String coding : codings.split(",")) {
            String c = coding.trim();
            if (!c.isEmpty()) {
                named++;
                chunked = c.equalsIgnoreCase("chunked");
            }
        }
        return named == 1 && chunked;
    }
}
