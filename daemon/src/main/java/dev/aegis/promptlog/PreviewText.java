package dev.aegis.promptlog;

/**
 * Collects text up to a limit. When more text came than fits, the last run of non-blank
 * characters is dropped from what was collected: it may be the start of a secret that the scanner,
 * seeing only part of it, would not recognise.
 */
final class PreviewText {

    private final StringBuilder text = new StringBuilder();
    private final int limit;
    private boolean cut;

    PreviewText(int limit) {
        this.limit = limit;
    }

    boolean full() {
        return cut;
    }

    /** Appends a piece, after {@code separator} unless it is the first. */
    void append(String piece, String separator) {
        if (cut || piece.isEmpty()) {
            return;
        }
        if (!text.isEmpty()) {
            text.append(separator);
        }
        int room = limit - text.length();
        if (piece.length() <= room) {
            text.append(piece);
        } else {
            text.append(piece, 0, Math.max(0, room));
            cut = true;
        }
    }

    String text() {
        if (!cut) {
            return text.toString();
        }
        int end = text.length();
        while (end > 0 && !Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }
}
