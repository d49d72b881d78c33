package dev.aegis.mcp;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads text line by line in bounded memory, whatever a line's length: a line longer than the limit
 * ({@link #MAX_KEPT} characters unless told otherwise) is cut, and of the rest only its last
 * {@link #TAIL} characters are kept (a stdio MCP server writing endlessly without a newline must not
 * fill the daemon's memory, on stderr or stdout). A line ends at {@code \n}; a {@code \r} before it is
 * dropped.
 */
final class BoundedLines {

    /** The most of a stderr line's start kept: what is logged, and the text around it that redaction needs. */
    static final int MAX_KEPT = 16 * 1024;
    /** The most of a cut line's end kept: enough for any secret the next line may continue. */
    static final int TAIL = dev.aegis.security.LineRedactor.MAX_CARRY;

    /**
     * One line.
     *
     * @param start the line, or its first characters (up to the limit) when it was cut
     * @param end null for a whole line; for a cut one, its last characters (at most {@link #TAIL}) after {@code start}
     * @param length the line's length in characters
     */
    record Line(String start, String end, long length) {
        boolean cut() {
            return end != null;
        }
    }

    private final Reader in;
    private final int maxKept;
    private final boolean stopAtLimit;
    private final char[] buffer = new char[8192];
    private int pos;
    private int limit;

    BoundedLines(Reader in) {
        this(in, MAX_KEPT);
    }

    /** @param maxKept the most of a line's start kept; a longer line is {@link Line#cut() cut} */
    BoundedLines(Reader in, int maxKept) {
        this(in, maxKept, false);
    }

    /**
     * @param maxKept the most of a line's start kept; a longer line is {@link Line#cut() cut}
     * @param stopAtLimit a cut line is returned as soon as it passes the limit, not read to its end (a
     *     reader that gives up on such a line; the text after it is then read as the next line)
     */
    BoundedLines(Reader in, int maxKept, boolean stopAtLimit) {
        this.in = in;
        this.maxKept = maxKept;
        this.stopAtLimit = stopAtLimit;
    }

    /** The next line, or null at the end of the stream (a last line without a newline is a line). */
    Line next() throws IOException {
        StringBuilder start = new StringBuilder();
        StringBuilder end = null;
        long length = 0;
        boolean any = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(buffer);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return any ? line(start, end, length) : null;
                }
            }
            any = true;
            int from = pos;
            while (pos < limit && buffer[pos] != '\n') {
                pos++;
            }
            int n = pos - from;
            length += n;
            int toStart = end == null ? Math.min(n, maxKept - start.length()) : 0;
            start.append(buffer, from, toStart);
            if (toStart < n) {
                if (end == null) {
                    end = new StringBuilder();
                }
                end.append(buffer, from + toStart, n - toStart);
                if (end.length() > 2 * TAIL) {
                    end.delete(0, end.length() - TAIL);
                }
            }
            if (pos < limit) {
                pos++; // the newline
                return line(start, end, length);
            }
            if (stopAtLimit && end != null) {
                return line(start, end, length);
            }
        }
    }

    private static Line line(StringBuilder start, StringBuilder end, long length) {
        StringBuilder last = end != null ? end : start;
        if (!last.isEmpty() && last.charAt(last.length() - 1) == '\r') {
            last.setLength(last.length() - 1);
            length--;
        }
        String tail = end == null || end.isEmpty() ? null : end.substring(Math.max(0, end.length() - TAIL));
        return new Line(start.toString(), tail, length);
    }
}
