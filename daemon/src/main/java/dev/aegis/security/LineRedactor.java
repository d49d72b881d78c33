package dev.aegis.security;

import java.util.ArrayList;
import java.util.List;

/**
 * Redacts a stream of text that is logged line by line (a stdio MCP server's stderr), a secret that
 * runs over several lines included: a private key's header line alone is a finding, but its body
 * lines are not. When a finding reaches the end of a line, its text is kept and the next line is
 * scanned after it, so the part of the next line that continues the secret is redacted too. Each
 * line is logged as soon as it is read; nothing waits for the next one. One instance per stream.
 *
 * <p>A line too long to keep whole is given as its start and its end ({@link #cutLine}): the start is
 * what may be logged, redacted as a line; the end is only scanned, for a secret running to the line's
 * end that the next line continues.
 */
public final class LineRedactor {

    /** The most text of a secret carried into the next line (a 4096-bit private key is about 3.3 KB). */
    public static final int MAX_CARRY = 16 * 1024;

    private final SecretScanner scanner;
    private String carry = "";

    public LineRedactor(SecretScanner scanner) {
        this.scanner = scanner;
    }

    /** The line with every secret, or part of a secret begun on earlier lines, replaced by {@code [REDACTED:<kind>]}. */
    public String line(String line) {
        return redacted(line, null);
    }

    /**
     * A line the reader cut: its start, redacted as {@link #line} redacts a line (a secret running past the
     * start's end may be seen only in part, so only text well before that end should be shown), and its last
     * characters ({@link #MAX_CARRY} of them hold any secret the next line may continue), which are not shown.
     */
    public String cutLine(String start, String end) {
        return redacted(start, end);
    }

    private String redacted(String line, String end) {
        String text = carry.isEmpty() ? line : carry + "\n" + line;
        int offset = text.length() - line.length();
        List<SecretScanner.Finding> inLine = new ArrayList<>();
        String next = "";
        for (SecretScanner.Finding f : scanner.scan(text)) {
            if (f.end() > offset) {
                inLine.add(new SecretScanner.Finding(f.kind(), Math.max(0, f.start() - offset), f.end() - offset));
            }
            if (end == null && f.end() == text.length() && f.end() - f.start() < MAX_CARRY) {
                next = text.substring(f.start());
            }
        }
        if (end != null) {
            for (SecretScanner.Finding f : scanner.scan(end)) {
                if (f.end() == end.length() && f.end() - f.start() < MAX_CARRY) {
                    next = end.substring(f.start());
                }
            }
        }
        carry = next;
        return inLine.isEmpty() ? line : SecretScanner.redact(line, inLine);
    }
}
